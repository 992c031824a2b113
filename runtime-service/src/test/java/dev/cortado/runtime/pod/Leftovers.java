package dev.cortado.runtime.pod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * What a test's daemon may have left on the host: mounts under its directory, shims naming it,
 * and the cgroups its pods and containers were given. Only those, so that tests running beside
 * ours (other daemons, other directories) never count.
 */
record Leftovers(List<String> mounts, List<Long> shims, List<Path> cgroupDirs) {

    static Leftovers of(Path dir, Collection<String> cgroups) {
        List<Path> dirs = new ArrayList<>();
        for (String cgroup : Set.copyOf(cgroups)) {
            dirs.addAll(HostView.cgroupDirs(cgroup));
        }
        return new Leftovers(HostView.mountsUnder(dir), HostView.shimsUnder(dir), dirs);
    }

    boolean none() {
        return mounts.isEmpty() && shims.isEmpty() && cgroupDirs.isEmpty();
    }

    void assertNone() {
        if (!none()) {
            StringBuilder detail = new StringBuilder("left behind:");
            mounts.forEach(m -> detail.append("\n  mount ").append(m));
            shims.forEach(p -> detail.append("\n  shim pid ").append(p).append(": ").append(HostView.cmdline(p)));
            cgroupDirs.forEach(d -> detail.append("\n  cgroup ").append(d).append(" procs ")
                    .append(HostView.cgroupProcs(d)));
            throw new AssertionError(detail.toString());
        }
    }

    /**
     * Removes by force whatever is left, plus the cgroups the test made itself: kills the shims
     * and every process in those cgroups, lazily unmounts (deepest first), removes the cgroup
     * directories (deepest first). Used after the assertions, so a failing test leaves a clean host.
     */
    void forceClean(Collection<String> ownCgroups) throws InterruptedException {
        List<Path> allDirs = new ArrayList<>(cgroupDirs);
        for (String own : ownCgroups) {
            allDirs.addAll(HostView.cgroupDirs(own));
        }
        allDirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (long pid : shims) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (Path dir : allDirs) {
            for (long pid : HostView.cgroupProcs(dir)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        List<String> reversed = new ArrayList<>(mounts);
        reversed.sort(Comparator.comparingInt(String::length).reversed());
        for (String mount : reversed) {
            run("umount", "-l", mount);
        }
        for (Path dir : allDirs) {
            removeCgroupTree(dir);
        }
    }

    private static void removeCgroupTree(Path dir) throws InterruptedException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var children = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path child : children) {
                removeCgroupTree(child);
            }
        } catch (IOException e) {
            return;
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException busy) {
                Thread.sleep(20);
            }
        }
    }

    private static void run(String... command) throws InterruptedException {
        try {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor();
        } catch (IOException e) {
            // best effort: the assertion already reported what was left
        }
    }
}
