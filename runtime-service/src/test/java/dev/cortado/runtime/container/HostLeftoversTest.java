package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.hack.registry.TempDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leftover check finds (and sweeps) what a run leaves: here, a mount and a process of its own. */
class HostLeftoversTest {

    @Test
    void findsAndSweepsMountsAndProcessesOfTheDirectory() throws Exception {
        Path dir = TempDirs.create("cortado-leftovers-");
        Process process = null;
        List<ProcessHandle> children = List.of();
        try {
            HostLeftovers leftovers = new HostLeftovers(dir, List.of());
            assertEquals(List.of(), leftovers.describe(), "a fresh directory leaves nothing");
            Path mount = Files.createDirectories(dir.resolve("mnt"));
            TestMounts.run("mount", "-t", "tmpfs", "cortado-test", mount.toString());
            process = new ProcessBuilder("sh", "-c", "sleep 60; : " + dir).start();
            long pid = process.pid();
            // until sh's child has exec'd sleep, it carries sh's command line and would be found too
            Path childList = Path.of("/proc/" + pid + "/task/" + pid + "/children");
            PodFixture.await(() -> childRunsSleep(childList), Duration.ofSeconds(5), () -> "sh did not start sleep");
            children = process.children().toList();

            List<String> found = leftovers.sweep();
            assertEquals(List.of("mount " + mount, "process " + pid + ": sh -c sleep 60; : " + dir), found);
            PodFixture.await(() -> !HostLeftovers.alive(pid), Duration.ofSeconds(5), () -> "not killed");
            assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(mount.toString()), "not unmounted");
            assertTrue(leftovers.describe().isEmpty());
        } finally {
            if (process != null) {
                children.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor();
            }
            new HostLeftovers(dir, List.of()).sweep();
            TempDirs.deleteTree(dir);
        }
    }

    private static boolean childRunsSleep(Path children) {
        try {
            String[] pids = Files.readString(children).trim().split("\\s+");
            return !pids[0].isEmpty()
                    && Files.readString(Path.of("/proc/" + pids[0] + "/cmdline")).startsWith("sleep");
        } catch (java.io.IOException gone) {
            return false;
        }
    }
}
