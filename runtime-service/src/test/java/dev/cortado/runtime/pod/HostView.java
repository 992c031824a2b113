package dev.cortado.runtime.pod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the host kernel says, read from /proc and /sys as the test JVM sees them: namespace
 * identities, processes, mounts and cgroup directories. The oracle the pod tests compare the
 * runtime's answers against.
 */
final class HostView {

    private HostView() {
    }

    /** {@code net:[4026531840]}: the identity of a namespace behind a /proc ns link. */
    static String namespaceOf(long pid, String kind) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + kind)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("reading /proc/" + pid + "/ns/" + kind, e);
        }
    }

    /**
     * The host's namespace of a kind: the test JVM's own, which is the daemon's (pid 1 of these
     * machines hides its namespace links).
     */
    static String hostNamespace(String kind) {
        return namespaceOf(ProcessHandle.current().pid(), kind);
    }

    /** The namespace a pinned (bind-mounted nsfs) file keeps alive, spelled as a /proc ns link. */
    static String pinnedNamespace(String kind, Path pinned) {
        try {
            long inode = ((Number) Files.getAttribute(pinned, "unix:ino")).longValue();
            return kind + ":[" + inode + "]";
        } catch (IOException e) {
            throw new UncheckedIOException("stat of pinned namespace " + pinned, e);
        }
    }

    static boolean alive(long pid) {
        return state(pid).map(s -> !s.startsWith("Z") && !s.startsWith("X")).orElse(false);
    }

    /** The State field of /proc/pid/status ("S (sleeping)", "Z (zombie)"), empty when gone. */
    static Optional<String> state(long pid) {
        return statusField(pid, "State:");
    }

    static Optional<Long> parent(long pid) {
        return statusField(pid, "PPid:").map(Long::parseLong);
    }

    private static Optional<String> statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Optional.of(line.substring(field.length()).trim());
                }
            }
            return Optional.empty();
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("No such process")) {
                return Optional.empty();
            }
            throw new UncheckedIOException(e);
        }
    }

    /** argv joined by spaces, or "" for a process that is gone or has none. */
    static String cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException gone) {
            return "";
        }
    }

    /** Every live process's pid. */
    static List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .forEach(n -> pids.add(Long.parseLong(n)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    /** The children of a process (by PPid), with their State. */
    static List<Long> children(long parent) {
        return pids().stream().filter(pid -> parent(pid).orElse(-1L) == parent).toList();
    }

    /** cortado-shim processes (shims and their clones) whose command line mentions {@code dir}. */
    static List<Long> shimsUnder(Path dir) {
        String marker = dir.toString();
        return pids().stream().filter(pid -> {
            String cmd = cmdline(pid);
            String program = cmd.contains(" ") ? cmd.substring(0, cmd.indexOf(' ')) : cmd;
            return program.endsWith("cortado-shim") && cmd.contains(marker);
        }).toList();
    }

    /** Mount points at or below {@code dir} in this mount namespace, deepest last. */
    static List<String> mountsUnder(Path dir) {
        String prefix = dir.toString();
        List<String> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] fields = line.split(" ");
                String point = unescape(fields[1]);
                if (point.equals(prefix) || point.startsWith(prefix + "/")) {
                    found.add(point);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** The mount points of every cgroup hierarchy (v1 controllers and the v2 tree). */
    static List<Path> cgroupHierarchies() {
        List<Path> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] fields = line.split(" ");
                if (fields[2].equals("cgroup") || fields[2].equals("cgroup2")) {
                    found.add(Path.of(unescape(fields[1])));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    /** The directories of a cgroup path that exist in any hierarchy. */
    static List<Path> cgroupDirs(String cgroup) {
        return cgroupHierarchies().stream().map(h -> h.resolve(cgroup.substring(1))).filter(Files::isDirectory)
                .toList();
    }

    /** The pids in one cgroup directory. */
    static List<Long> cgroupProcs(Path cgroupDir) {
        try {
            return Files.readAllLines(cgroupDir.resolve("cgroup.procs")).stream().filter(l -> !l.isBlank())
                    .map(l -> Long.parseLong(l.trim())).toList();
        } catch (NoSuchFileException gone) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The network interfaces of the namespace this JVM runs in, from /proc/net/dev. */
    static List<String> interfaces(String procNetDev) {
        List<String> names = new ArrayList<>();
        for (String line : procNetDev.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.contains("|")) {
                names.add(line.substring(0, colon).trim());
            }
        }
        names.sort(null);
        return names;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
