package dev.cortado.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** EXEC into a running container through the real shim. */
class ShimExecTest {
    private ShimSandbox sandbox;
    private ShimHandle handle;
    private ShimClient client;

    @BeforeEach
    void runAContainer() throws Exception {
        sandbox = ShimSandbox.open();
        handle = sandbox.create("exec", sandbox.container("/bin/sleep", "1000").build());
        client = ShimClient.of(handle);
        client.start();
    }

    @AfterEach
    void close() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void execReturnsOutputAndStatusFromInsideTheContainer() throws Exception {
        Path plan = sandbox.writePlan("e1.plan", sandbox.exec(handle, "/bin/sh", "-c",
                "echo hi; echo host=$(hostname) pid1=$(cat /proc/1/cmdline | tr '\\0' ' ') >&2; exit 7").build());
        ExecResult result = client.exec(plan, Duration.ofSeconds(10), 4096);
        assertEquals(7, result.exitCode());
        assertFalse(result.timedOut());
        assertEquals("hi\n", result.stdoutText());
        // the unquoted $(...) is split into words, so the cmdline's trailing NUL-turned-space is gone
        assertEquals("host=" + ShimSandbox.HOSTNAME + " pid1=/bin/sleep 1000\n", result.stderrText());
        assertEquals(ShimState.Status.RUNNING, client.state().state(), "the container runs on");
    }

    @Test
    void execOutputIsCappedPerStream() throws Exception {
        Path plan = sandbox.writePlan("e2.plan", sandbox.exec(handle, "/bin/sh", "-c",
                "head -c 100000 /dev/zero; echo small >&2").build());
        ExecResult result = client.exec(plan, Duration.ofSeconds(10), 1000);
        assertEquals(0, result.exitCode());
        assertEquals(1000, result.stdout().length);
        assertEquals("small\n", result.stderrText());
    }

    @Test
    void execTimesOutAndIsKilled() throws Exception {
        Path plan = sandbox.writePlan("e3.plan", sandbox.exec(handle, "/bin/sh", "-c", "echo before; sleep 100").build());
        long began = System.nanoTime();
        ExecResult result = client.exec(plan, Duration.ofMillis(500), 4096);
        long elapsedMs = (System.nanoTime() - began) / 1_000_000;
        assertTrue(result.timedOut());
        assertEquals(-1, result.exitCode());
        assertEquals("before\n", result.stdoutText());
        assertTrue(elapsedMs >= 450 && elapsedMs < 5000, "returned after " + elapsedMs + " ms");
        assertEquals(ShimState.Status.RUNNING, client.state().state());
    }

    @Test
    void aFailingExecIsReported() throws Exception {
        Path plan = sandbox.writePlan("e4.plan", sandbox.exec(handle, "/nope").build());
        try {
            ExecResult result = client.exec(plan, Duration.ofSeconds(10), 4096);
            // a shim may report the exec failure as a status and message instead of ERR
            assertTrue(result.exitCode() != 0, result.toString());
            assertTrue(result.stderrText().contains("No such file or directory"), result.stderrText());
        } catch (ShimException e) {
            assertFalse(e instanceof ShimGoneException, e.getMessage());
            assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
        }
    }
}
