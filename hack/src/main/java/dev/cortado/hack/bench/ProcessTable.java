package dev.cortado.hack.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A snapshot of every process on the host, read from {@code /proc}: each one's parent and name.
 * The benchmark must run in the host's PID namespace to see the runtimes' processes. Processes
 * that exit while the table is read are simply absent.
 */
final class ProcessTable {
    private static final Path PROC = Path.of("/proc");

    /**
     * One process.
     *
     * @param pid  its id in the host's PID namespace
     * @param ppid its parent's id (0 for pid 1 and kernel threads' roots)
     * @param name the base name of its executable ({@code /proc/<pid>/exe}, as seen from the
     *             process's own mount namespace), or its {@code comm} when that link is unreadable
     */
    record Entry(long pid, long ppid, String name) {
    }

    private final Map<Long, Entry> entries;
    private final Map<Long, List<Long>> children;

    private ProcessTable(Map<Long, Entry> entries) {
        this.entries = entries;
        this.children = new HashMap<>();
        for (Entry entry : entries.values()) {
            children.computeIfAbsent(entry.ppid(), k -> new ArrayList<>()).add(entry.pid());
        }
    }

    /** Reads {@code /proc} now. */
    static ProcessTable read() {
        Map<Long, Entry> entries = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path dir : dirs) {
                Entry entry = readEntry(Long.parseLong(dir.getFileName().toString()));
                if (entry != null) {
                    entries.put(entry.pid(), entry);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + PROC + ": " + e.getMessage(), e);
        }
        return new ProcessTable(entries);
    }

    Set<Long> pids() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    boolean contains(long pid) {
        return entries.containsKey(pid);
    }

    Entry get(long pid) {
        return entries.get(pid);
    }

    /** The parent of {@code pid}, or 0 when it is unknown or the process has none. */
    long parent(long pid) {
        Entry entry = entries.get(pid);
        return entry == null ? 0 : entry.ppid();
    }

    /** {@code pid} and its ancestors up to pid 1, nearest first; empty when pid is not in the table. */
    List<Long> lineage(long pid) {
        List<Long> chain = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (long each = pid; each > 0 && entries.containsKey(each) && seen.add(each); each = parent(each)) {
            chain.add(each);
        }
        return chain;
    }

    /** {@code pid} and all its descendants in this snapshot. */
    Set<Long> subtree(long pid) {
        Set<Long> found = new LinkedHashSet<>();
        Deque<Long> pending = new ArrayDeque<>();
        pending.add(pid);
        while (!pending.isEmpty()) {
            long each = pending.poll();
            if (entries.containsKey(each) && found.add(each)) {
                pending.addAll(children.getOrDefault(each, List.of()));
            }
        }
        return found;
    }

    /**
     * The processes whose environment holds {@code name=value}, mapped to the value. Reads
     * {@code /proc/<pid>/environ}, the environment a process started with; kernel threads and
     * vanished processes are skipped.
     */
    Map<Long, String> environmentValues(String name) {
        byte[] prefix = (name + "=").getBytes(StandardCharsets.UTF_8);
        Map<Long, String> values = new HashMap<>();
        for (long pid : entries.keySet()) {
            byte[] environ;
            try {
                environ = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
            } catch (IOException e) {
                continue;
            }
            String value = valueOf(environ, prefix);
            if (value != null) {
                values.put(pid, value);
            }
        }
        return values;
    }

    private static String valueOf(byte[] environ, byte[] prefix) {
        int start = 0;
        while (start < environ.length) {
            int end = start;
            while (end < environ.length && environ[end] != 0) {
                end++;
            }
            if (end - start >= prefix.length && startsWith(environ, start, prefix)) {
                return new String(environ, start + prefix.length, end - start - prefix.length, StandardCharsets.UTF_8);
            }
            start = end + 1;
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static Entry readEntry(long pid) {
        Path dir = PROC.resolve(Long.toString(pid));
        String stat;
        try {
            stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        // "pid (comm) state ppid ...": comm may itself hold spaces and parentheses, so split at the last ')'
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
            return null;
        }
        String[] rest = stat.substring(close + 2).split(" ");
        if (rest.length < 2) {
            return null;
        }
        return new Entry(pid, Long.parseLong(rest[1]), executableName(dir, stat.substring(open + 1, close)));
    }

    private static String executableName(Path dir, String comm) {
        try {
            String target = Files.readSymbolicLink(dir.resolve("exe")).toString();
            if (target.endsWith(" (deleted)")) {
                target = target.substring(0, target.length() - " (deleted)".length());
            }
            Path file = Path.of(target).getFileName();
            return file == null ? comm : file.toString();
        } catch (IOException | RuntimeException e) {
            return comm;
        }
    }
}
