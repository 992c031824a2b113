package dev.cortado.hack.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Resident memory of a daemon and everything it started, read from {@code /proc/<pid>/status}.
 * Summing children matters once a runtime runs containers (containerd's shims); for pulls the
 * daemon is normally alone. Shared pages are counted once per process, as {@code VmRSS} does.
 *
 * @param rssKib       summed {@code VmRSS}: resident now
 * @param peakRssKib   summed {@code VmHWM}: each process's own high-water mark
 * @param processes    how many processes were counted (the daemon plus live descendants)
 */
public record ProcessMemory(long rssKib, long peakRssKib, int processes) {

    /** Reads the daemon {@code pid} and its descendants; fails if the daemon itself is gone. */
    public static ProcessMemory of(long pid) {
        ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(
                "process " + pid + " does not exist: did the daemon exit during the benchmark?"));
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        daemon.descendants().forEach(child -> pids.add(child.pid()));
        long rss = 0;
        long peak = 0;
        int counted = 0;
        for (long each : pids) {
            Status status = readStatus(each, each == pid);
            if (status != null) {
                rss += status.rssKib();
                peak += status.peakKib();
                counted++;
            }
        }
        return new ProcessMemory(rss, peak, counted);
    }

    public double rssMib() {
        return rssKib / 1024.0;
    }

    public double peakRssMib() {
        return peakRssKib / 1024.0;
    }

    private record Status(long rssKib, long peakKib) {
    }

    /** Null when a child exited between listing and reading; an error when the daemon did. */
    private static Status readStatus(long pid, boolean required) {
        Path file = Path.of("/proc", Long.toString(pid), "status");
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (required) {
                throw new IllegalStateException("process " + pid + " exited before its memory could be read");
            }
            return null;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        long rss = field(lines, "VmRSS:");
        long peak = field(lines, "VmHWM:");
        if (rss < 0) {
            // kernel threads and zombies have no VmRSS line
            if (required) {
                throw new IllegalStateException(file + " has no VmRSS line: is " + pid + " a zombie or a kernel thread?");
            }
            return null;
        }
        return new Status(rss, Math.max(peak, rss));
    }

    private static long field(List<String> lines, String name) {
        for (String line : lines) {
            if (line.startsWith(name)) {
                String value = line.substring(name.length()).trim();
                if (!value.endsWith(" kB")) {
                    throw new IllegalStateException("unexpected /proc status line \"" + line + "\"");
                }
                return Long.parseLong(value.substring(0, value.length() - 3).trim());
            }
        }
        return -1;
    }
}
