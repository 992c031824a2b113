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

/** ATTACH to a container's stdio through the real shim. */
class ShimAttachTest {
    private static final Duration LIMIT = Duration.ofSeconds(10);
    private ShimSandbox sandbox;

    @BeforeEach
    void open() throws Exception {
        sandbox = ShimSandbox.open();
    }

    @AfterEach
    void close() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void attachReadsWhatARunningContainerWritesFromThenOn() throws Exception {
        ShimHandle handle = sandbox.create("ticks", sandbox.container("/bin/sh", "-c",
                "i=0; while true; do echo tick $i; echo tock $i >&2; i=$((i+1)); sleep 0.05; done").build());
        ShimClient client = ShimClient.of(handle);
        client.start();
        try (ShimStream stdoutOnly = client.attach(false, true, false);
             ShimStream both = client.attach(false, true, true)) {
            StreamReader one = StreamReader.start(stdoutOnly);
            StreamReader two = StreamReader.start(both);
            assertTrue(one.awaitStdout(LIMIT, out -> out.split("\n").length >= 3), one.stdout());
            assertTrue(two.awaitStdout(LIMIT, out -> out.split("\n").length >= 3), two.stdout());
            assertTrue(one.stdout().matches("(tick \\d+\n)+(tick \\d+)?"), one.stdout());
            assertEquals("", one.stderr(), "stderr was not asked for");
            assertTrue(ProcStat.eventually(LIMIT, () -> two.stderr().contains("tock")), two.stderr());
            String line = one.stdout().split("\n")[0];
            assertTrue(ProcStat.eventually(LIMIT, () -> logHas("ticks", line)), "the log still gets " + line);
        }
        assertEquals(ShimState.Status.RUNNING, client.state().state(), "detaching leaves the container running");
        client.kill(9, false);
        client.waitExit();
    }

    @Test
    void stdinReachesCatAndStdinOnceClosesItAtDetach() throws Exception {
        ShimHandle handle = sandbox.create("cat", sandbox.container("/bin/sh", "-c", "cat; echo cat done; exit 4")
                .stdin(true).stdinOnce(true).build());
        ShimClient client = ShimClient.of(handle);
        client.start();
        try (ShimStream stream = client.attach(true, true, true)) {
            StreamReader reader = StreamReader.start(stream);
            byte[] hello = "hello cat\n".getBytes(StandardCharsets.UTF_8);
            stream.writeStdin(hello, 0, hello.length);
            assertTrue(reader.awaitStdout(LIMIT, "hello cat\n"::equals), reader.stdout());
            stream.closeStdin();
            reader.awaitEnd(LIMIT);
            assertEquals("hello cat\ncat done\n", reader.stdout());
            assertEquals(OptionalInt.of(4), stream.exitCode(), "the container's exit code ends the attach");
        }
        assertEquals(4, client.waitExit().exitCode());
        assertEquals(ShimState.Status.STOPPED, client.state().state());
        ShimException late = assertThrows(ShimException.class, () -> client.attach(false, true, true));
        assertEquals("the container is not running", late.getMessage());
    }

    @Test
    void withoutStdinOnceTheContainersStdinOutlivesTheAttach() throws Exception {
        ShimHandle handle = sandbox.create("reattach", sandbox.container("/bin/cat").stdin(true).build());
        ShimClient client = ShimClient.of(handle);
        client.start();
        for (String word : new String[] {"one\n", "two\n"}) {
            try (ShimStream stream = client.attach(true, true, false)) {
                StreamReader reader = StreamReader.start(stream);
                byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
                stream.writeStdin(bytes, 0, bytes.length);
                assertTrue(reader.awaitStdout(LIMIT, word::equals), reader.stdout());
                stream.closeStdin();
            }
        }
        assertEquals(ShimState.Status.RUNNING, client.state().state(), "cat still has its stdin");
        client.closeStdin();
        assertEquals(0, client.waitExit().exitCode());
    }

    @Test
    void aTtyContainerTakesInputAndResizes() throws Exception {
        ShimHandle handle = sandbox.create("tty", sandbox.container("/bin/sh", "-c",
                "read line; echo got $line; stty size").tty(true).stdin(true).build());
        ShimClient client = ShimClient.of(handle);
        client.start();
        try (ShimStream stream = client.attach(true, true, false)) {
            StreamReader reader = StreamReader.start(stream);
            stream.resize(120, 30);
            byte[] line = "abc\n".getBytes(StandardCharsets.UTF_8);
            stream.writeStdin(line, 0, line.length);
            reader.awaitEnd(LIMIT);
            String out = reader.stdout().replace("\r", "");
            assertTrue(out.contains("got abc\n30 120\n"), out);
            assertEquals(OptionalInt.of(0), stream.exitCode());
        }
    }

    @Test
    void aClientThatDoesNotReadIsDroppedAndNeverStallsTheContainer() throws Exception {
        int total = 8 << 20;
        ShimHandle handle = sandbox.create("flood", sandbox.container("/bin/sh", "-c",
                "read go; head -c " + total + " /dev/zero | tr '\\0' 'x'; echo; echo flood done; sleep 1000")
                .stdin(true).build());
        ShimClient client = ShimClient.of(handle);
        client.start();
        try (ShimStream stalled = client.attach(true, true, true)) {
            byte[] go = "go\n".getBytes(StandardCharsets.UTF_8);
            stalled.writeStdin(go, 0, go.length);
            assertTrue(ProcStat.eventually(Duration.ofSeconds(30), () -> logHas("flood", "flood done")),
                    "the container wrote everything although the attach client read nothing");
            long received = 0;
            ShimStream.Output output;
            while ((output = stalled.read()) != null) {
                received += output.data().length;
            }
            assertTrue(received < total, "the shim dropped the client after " + received + " bytes");
            assertFalse(stalled.exitCode().isPresent(), "a dropped client gets no exit code");
        }
        assertEquals(ShimState.Status.RUNNING, client.state().state());
    }

    @Test
    void stdinNeedsAContainerWithStdin() throws Exception {
        ShimHandle handle = sandbox.create("nostdin", sandbox.container("/bin/sleep", "1000").build());
        ShimClient client = ShimClient.of(handle);
        ShimException e = assertThrows(ShimException.class, () -> client.attach(true, true, true));
        assertTrue(e.getMessage().contains("no stdin"), e.getMessage());
        Path socket = handle.socket();
        assertTrue(Files.exists(socket));
    }

    private boolean logHas(String id, String text) {
        try {
            return CriLog.read(sandbox.log(id)).contains(text);
        } catch (Exception | AssertionError e) {
            return false;
        }
    }
}
