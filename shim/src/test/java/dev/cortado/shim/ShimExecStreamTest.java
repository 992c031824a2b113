package dev.cortado.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** EXEC_STREAM into a running container through the real shim: live output, stdin, a pty. */
class ShimExecStreamTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private ShimSandbox sandbox;
    private ShimHandle handle;
    private ShimClient client;

    @BeforeEach
    void runAContainer() throws Exception {
        sandbox = ShimSandbox.open();
        handle = sandbox.create("xs", sandbox.container("/bin/sleep", "1000").build());
        client = ShimClient.of(handle);
        client.start();
    }

    @AfterEach
    void close() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private ShimStream exec(String name, boolean tty, boolean stdin, String... args) throws Exception {
        Path plan = sandbox.writePlan(name, sandbox.exec(handle, args).tty(tty).build());
        ShimStream stream = client.execStream(plan, tty, stdin);
        Files.delete(plan); // the shim read it before it answered
        return stream;
    }

    @Test
    void echoGivesItsOutputAndExitCodeZero() throws Exception {
        try (ShimStream stream = exec("echo.plan", false, false, "/bin/echo", "hi")) {
            StreamReader reader = StreamReader.start(stream).awaitEnd(LIMIT);
            assertEquals("hi\n", reader.stdout());
            assertEquals("", reader.stderr());
            assertEquals(OptionalInt.of(0), stream.exitCode());
        }
    }

    @Test
    void theExitCodeAndStderrComeThrough() throws Exception {
        try (ShimStream stream = exec("exit.plan", false, false, "/bin/sh", "-c", "echo oops >&2; exit 3")) {
            StreamReader reader = StreamReader.start(stream).awaitEnd(LIMIT);
            assertEquals("oops\n", reader.stderr());
            assertEquals(OptionalInt.of(3), stream.exitCode());
        }
        assertEquals(ShimState.Status.RUNNING, client.state().state(), "the container runs on");
    }

    @Test
    void stdinRoundTripsThroughCat() throws Exception {
        try (ShimStream stream = exec("cat.plan", false, true, "/bin/cat")) {
            StreamReader reader = StreamReader.start(stream);
            byte[] first = "first line\n".getBytes(StandardCharsets.UTF_8);
            stream.writeStdin(first, 0, first.length);
            assertTrue(reader.awaitStdout(LIMIT, "first line\n"::equals), "cat echoed: " + reader.stdout());
            // more than one frame and more than a pipe holds: the shim writes it as cat reads
            byte[] big = "0123456789abcdef".repeat(20_000).getBytes(StandardCharsets.UTF_8);
            stream.writeStdin(big, 0, big.length);
            stream.closeStdin();
            reader.awaitEnd(LIMIT);
            assertEquals(first.length + big.length, reader.stdout().length());
            assertTrue(reader.stdout().endsWith("abcdef"), "the tail arrived");
            assertEquals(OptionalInt.of(0), stream.exitCode(), "cat saw end of file and exited");
        }
    }

    @Test
    void aTtyTakesResizesAndMergesStderr() throws Exception {
        try (ShimStream stream = exec("tty.plan", true, true, "/bin/sh", "-c",
                "read line; stty size; tty; echo to-stderr >&2; exit 5")) {
            StreamReader reader = StreamReader.start(stream);
            stream.resize(100, 40);
            byte[] go = "go\n".getBytes(StandardCharsets.UTF_8);
            stream.writeStdin(go, 0, go.length);
            reader.awaitEnd(LIMIT);
            String out = reader.stdout().replace("\r", "");
            assertTrue(out.contains("40 100\n"), "stty size after the resize: " + out);
            assertTrue(out.contains("/dev/pts/"), "a pty of the container's devpts: " + out);
            assertTrue(out.contains("to-stderr"), out);
            assertEquals("", reader.stderr(), "a tty has one output stream");
            assertEquals(OptionalInt.of(5), stream.exitCode());
        }
    }

    @Test
    void closingTheStreamKillsTheCommand() throws Exception {
        ShimStream stream = exec("sleep.plan", false, false, "/bin/sh", "-c", "echo started; sleep 4321");
        StreamReader reader = StreamReader.start(stream);
        assertTrue(reader.awaitStdout(LIMIT, "started\n"::equals), reader.stdout());
        assertTrue(sleepers(), "the command runs");
        stream.close();
        stream.close(); // idempotent
        reader.awaitEnd(LIMIT);
        assertFalse(stream.exitCode().isPresent(), "closed, not ended");
        assertTrue(ProcStat.eventually(LIMIT, () -> !sleepers()), "the shim killed the command's process group");
        assertEquals(ShimState.Status.RUNNING, client.state().state());
    }

    @Test
    void aCommandThatCannotStartIsAnError() throws Exception {
        ShimException e = assertThrows(ShimException.class, () -> exec("nosuch.plan", false, false, "nosuch"));
        assertFalse(e instanceof ShimGoneException, e.getMessage());
        assertEquals("exec nosuch: No such file or directory", e.getMessage());
        e = assertThrows(ShimException.class, () -> client.execStream(sandbox.writePlan("mismatch.plan",
                sandbox.exec(handle, "/bin/true").build()), true, false));
        assertTrue(e.getMessage().contains("no TTY"), e.getMessage());
    }

    /** Whether a {@code sleep 4321} runs under this test's shim. */
    private boolean sleepers() {
        return ProcessHandle.of(handle.shimPid()).map(shim -> shim.descendants()
                .anyMatch(p -> p.info().arguments().map(a -> a.length == 1 && a[0].equals("4321")).orElse(false)))
                .orElse(false);
    }
}
