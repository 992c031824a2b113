package dev.cortado.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The container's stdio through the real shim: log splitting, rotation, stdin, the pty. */
class ShimStdioTest {
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
    void longLinesAreSplitIntoPartialRecords() throws Exception {
        ShimHandle handle = sandbox.create("split", sandbox.container("/bin/sh", "-c",
                "echo abcdefghijklmnopqrstuvwxy; echo short").logMaxLine(10).build());
        ShimClient client = ShimClient.of(handle);
        client.start();
        assertEquals(0, client.waitExit().exitCode());
        assertEquals(List.of("stdout P abcdefghij", "stdout P klmnopqrst", "stdout F uvwxy", "stdout F short"),
                CriLog.read(sandbox.log("split")).briefs());
    }

    @Test
    void reopenFollowsARotatedLogAndCloseStdinEndsInput() throws Exception {
        ShimHandle handle = sandbox.create("rotate", sandbox.container("/bin/sh", "-c",
                "echo one; read line; echo read=$?; echo two").stdin(true).build());
        ShimClient client = ShimClient.of(handle);
        client.start();
        Path log = sandbox.log("rotate");
        assertTrue(ProcStat.eventually(Duration.ofSeconds(5), () -> logContains(log, "one")), "first line logged");
        Path rotated = log.resolveSibling("rotate.log.1");
        Files.move(log, rotated);
        client.reopenLog();
        assertTrue(Files.exists(log), "REOPEN created the log again");
        client.closeStdin();
        assertEquals(0, client.waitExit().exitCode());
        assertEquals(List.of("stdout F one"), CriLog.read(rotated).briefs());
        assertEquals(List.of("stdout F read=1", "stdout F two"), CriLog.read(log).briefs(),
                "read saw end of file, and what followed went to the new file");
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(log)));
    }

    @Test
    void aPtyGetsTheSizeFromResizeAndLogsAsStdout() throws Exception {
        ShimHandle handle = sandbox.create("tty", sandbox.container("/bin/sh", "-c",
                "stty size; [ -t 0 ] && [ -t 1 ] && echo stdio-is-a-tty; tty; echo to-stderr >&2").tty(true).build());
        ShimClient client = ShimClient.of(handle);
        client.resize(40, 100);
        client.start();
        assertEquals(0, client.waitExit().exitCode());
        CriLog log = CriLog.read(sandbox.log("tty"));
        assertTrue(log.contains("40 100"), log.briefs().toString());
        assertTrue(log.contains("stdio-is-a-tty"), log.briefs().toString());
        // the pty belongs to the container's own devpts, so its name resolves inside
        assertTrue(log.contains("/dev/pts/0"), log.briefs().toString());
        assertTrue(log.contains("to-stderr"), log.briefs().toString());
        assertFalse(log.entries().stream().anyMatch(e -> e.stream().equals("stderr")), "a tty has one stream");
    }

    private static boolean logContains(Path log, String text) {
        try {
            return CriLog.read(log).contains(text);
        } catch (Exception | AssertionError e) {
            return false;
        }
    }
}
