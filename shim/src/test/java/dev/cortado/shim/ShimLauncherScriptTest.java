package dev.cortado.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's reading of the create answer, against small scripts standing in for the
 * binary (READY from a detached child, ERROR, silence, garbage). ShimIntegrationTest runs the
 * real cortado-shim.
 */
class ShimLauncherScriptTest {
    @TempDir
    Path dir;

    private Path script(String body) throws IOException {
        Path file = dir.resolve("cortado-shim");
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private ShimCreateRequest request() {
        return new ShimCreateRequest("c1", dir, dir.resolve("plan"), dir.resolve("c1.sock"), null,
                dir.resolve("exit"));
    }

    @Test
    void readyFromADetachedChildAfterTheFirstProcessExited() throws Exception {
        // the argv the shim gets, recorded for the assertion below
        Path binary = script("echo \"$@\" > " + dir.resolve("argv") + "; (sleep 0.3; echo READY 123 456) & exit 0");
        ShimHandle handle = new ShimLauncher(binary, Duration.ofSeconds(5)).create(request());
        assertEquals(new ShimHandle("c1", 123, 456, dir.resolve("c1.sock"), dir.resolve("exit")), handle);
        assertEquals("create --id c1 --bundle " + dir + " --plan " + dir.resolve("plan") + " --socket "
                + dir.resolve("c1.sock") + " --log - --exit-file " + dir.resolve("exit"),
                Files.readString(dir.resolve("argv")).strip());
    }

    @Test
    void launchesLeaveNoDescriptorsOpen() throws Exception {
        Path binary = script("echo READY 1 2");
        ShimLauncher launcher = new ShimLauncher(binary, Duration.ofSeconds(5));
        launcher.create(request());
        long before = openDescriptors();
        for (int i = 0; i < 20; i++) {
            launcher.create(request());
        }
        assertEquals(before, openDescriptors());
    }

    private static long openDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void errorCarriesStepAndReason() throws Exception {
        Path binary = script("echo 'ERROR mount /proc: Operation not permitted'; exit 1");
        ShimException e = assertThrows(ShimException.class, () -> new ShimLauncher(binary).create(request()));
        assertEquals("mount /proc", e.step());
        assertEquals("Operation not permitted", e.detail());
        assertEquals("mount /proc: Operation not permitted", e.getMessage());
    }

    @Test
    void exitingWithoutAnswerReportsStatusAndStderr() throws Exception {
        Path binary = script("echo 'cortado-shim: unknown option --bogus' >&2; exit 2");
        ShimException e = assertThrows(ShimException.class, () -> new ShimLauncher(binary).create(request()));
        assertTrue(e.getMessage().contains("exited with status 2 without answering: cortado-shim: unknown option"),
                e.getMessage());
    }

    @Test
    void silenceTimesOutAndTheProcessIsKilled() throws Exception {
        Path binary = script("echo $$ > " + dir.resolve("pid") + "; exec sleep 30");
        long began = System.nanoTime();
        ShimException e = assertThrows(ShimException.class,
                () -> new ShimLauncher(binary, Duration.ofMillis(500)).create(request()));
        assertEquals("timeout", e.step());
        assertTrue((System.nanoTime() - began) / 1_000_000 < 5000);
        long pid = Long.parseLong(Files.readString(dir.resolve("pid")).strip());
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (ProcessHandle.of(pid).isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(ProcessHandle.of(pid).isPresent(), "the silent process was killed and reaped");
    }

    @Test
    void anInterruptEndsTheWaitPromptly() throws Exception {
        Path binary = script("exec sleep 30");
        ShimLauncher launcher = new ShimLauncher(binary, Duration.ofSeconds(20));
        Thread caller = Thread.currentThread();
        Thread interrupter = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            caller.interrupt();
        }, "test-interrupter");
        interrupter.start();
        long began = System.nanoTime();
        try {
            ShimException e = assertThrows(ShimException.class, () -> launcher.create(request()));
            assertEquals("interrupted", e.step(), e.getMessage());
            assertTrue((System.nanoTime() - began) / 1_000_000 < 3000);
        } finally {
            interrupter.join();
            Thread.interrupted();
        }
    }

    @Test
    void garbageIsAProtocolError() throws Exception {
        for (String answer : new String[] {"HELLO", "READY 1", "READY 0 5", "READY a b", "ERROR "}) {
            Path binary = script("echo '" + answer + "'");
            ShimException e = assertThrows(ShimException.class, () -> new ShimLauncher(binary).create(request()));
            assertEquals("protocol", e.step(), answer);
        }
    }

    @Test
    void versionMustNameBothProtocols() throws Exception {
        assertEquals("cortado-shim 0.1.0 plan-v1 proto-v1",
                new ShimLauncher(script("echo cortado-shim 0.1.0 plan-v1 proto-v1")).version());
        ShimException e = assertThrows(ShimException.class,
                () -> new ShimLauncher(script("echo cortado-shim 0.2.0 plan-v2 proto-v1")).version());
        assertEquals("version", e.step());
    }

    @Test
    void aMissingBinaryIsNamed() {
        ShimException e = assertThrows(ShimException.class,
                () -> new ShimLauncher(dir.resolve("nope")).create(request()));
        assertTrue(e.getMessage().startsWith("start " + dir.resolve("nope")), e.getMessage());
    }

    @Test
    void requestsRefuseRelativePathsAndLongSocketPaths() {
        assertThrows(IllegalArgumentException.class, () -> new ShimCreateRequest("c", Path.of("rel"), dir, dir, null, dir));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ShimCreateRequest("c", dir,
                dir, Path.of("/" + "s".repeat(120)), null, dir));
        assertTrue(e.getMessage().contains("at most 107"), e.getMessage());
    }
}
