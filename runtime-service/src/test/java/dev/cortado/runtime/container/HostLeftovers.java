package dev.cortado.runtime.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a test run may have left on the host, found by what it owns: mounts under its temp
 * directory, processes naming that directory (daemon, shims) or living in one of its pods'
 * cgroups, and those cgroups' directories. {@link #sweep} also removes them, so that one failed
 * test does not poison the next run; the caller fails the test with the list.
 */
final class HostLeftovers {

    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    private final Path dir;
    private final Collection<String> podIds;

    HostLeftovers(Path dir, Collection<String> podIds) {
        this.dir = dir;
        this.podIds = List.copyOf(podIds);
    }

    /** Mount points under the directory, deepest first. */
    List<Path> mounts() throws IOException {
        List<Path> found = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            Path mountPoint = Path.of(unescape(line.split(" ")[4]));
            if (mountPoint.startsWith(dir)) {
                found.add(mountPoint);
            }
        }
        found.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return found;
    }

    /** Processes whose command line names the directory, or that sit in one of the pods' cgroups. */
    List<Long> processes() throws IOException {
        List<Long> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p ->
                p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                if (pid != self && alive(pid) && (commandLine(pid).contains(dir.toString()) || inPodCgroup(pid))) {
                    found.add(pid);
                }
            }
        }
        return found;
    }

    /** The pods' cgroup directories in every hierarchy, children first. */
    List<Path> cgroups() throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(CGROUP_ROOT)) {
            for (Path hierarchy : hierarchies) {
                for (String pod : podIds) {
                    Path podDir = hierarchy.resolve("cortado").resolve(pod);
                    if (Files.isDirectory(podDir)) {
                        try (Stream<Path> tree = Files.walk(podDir)) {
                            tree.filter(Files::isDirectory).forEach(found::add);
                        }
                    }
                }
            }
        }
        found.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return found;
    }

    /** Everything found, one line each; empty when the host is clean. */
    List<String> describe() throws IOException {
        List<String> lines = new ArrayList<>();
        for (Path mount : mounts()) {
            lines.add("mount " + mount);
        }
        for (long pid : processes()) {
            lines.add("process " + pid + ": " + commandLine(pid).replace('\0', ' ').trim());
        }
        for (Path cgroup : cgroups()) {
            lines.add("cgroup " + cgroup);
        }
        return lines;
    }

    /** Kills, unmounts and removes what {@link #describe} lists; returns that list as it was. */
    List<String> sweep() throws IOException, InterruptedException {
        List<String> found = describe();
        for (long pid : processes()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        for (Path mount : mounts()) {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
        }
        for (Path cgroup : cgroups()) {
            for (int attempt = 0; attempt < 50 && Files.exists(cgroup); attempt++) {
                try {
                    Files.deleteIfExists(cgroup);
                } catch (IOException busy) {
                    Thread.sleep(100); // the killed processes may not be reaped yet
                }
            }
        }
        return found;
    }

    private boolean inPodCgroup(long pid) {
        if (podIds.isEmpty()) {
            return false;
        }
        try {
            String cgroups = Files.readString(Path.of("/proc/" + pid + "/cgroup"));
            return podIds.stream().anyMatch(pod -> cgroups.contains("/cortado/" + pod));
        } catch (IOException gone) {
            return false;
        }
    }

    /**
     * Whether the process exists and is not a zombie: a detached shim's zombie waits for the
     * host's pid 1 to reap it, which here happens only every second or so.
     */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException gone) {
            return false;
        }
    }

    static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8);
        } catch (NoSuchFileException gone) {
            return "";
        } catch (IOException unreadable) {
            return "";
        }
    }

    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
