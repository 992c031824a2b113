package dev.cortado.hack.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Resident memory of one process or a sum of several, from {@code /proc/<pid>/smaps_rollup}.
 * RSS counts every resident page the process maps, so N copies of one program count its shared
 * text N times; PSS charges each shared page 1/k to each of its k sharers, so a sum of PSS over
 * processes is what they cost together; private is what would be freed if the process exited.
 *
 * @param rssKib     {@code Rss}
 * @param pssKib     {@code Pss}
 * @param privateKib {@code Private_Clean + Private_Dirty}
 * @param processes  how many processes were summed
 */
public record MemoryUsage(long rssKib, long pssKib, long privateKib, int processes) {
    public static final MemoryUsage NONE = new MemoryUsage(0, 0, 0, 0);

    /** Reads one process; null when it has exited or has no memory (a zombie or kernel thread). */
    public static MemoryUsage of(long pid) {
        Path file = Path.of("/proc", Long.toString(pid), "smaps_rollup");
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            if (!Files.exists(file.getParent())) {
                return null;
            }
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            return null;
        }
        long rss = field(lines, "Rss:");
        long pss = field(lines, "Pss:");
        long privateClean = field(lines, "Private_Clean:");
        long privateDirty = field(lines, "Private_Dirty:");
        if (rss < 0 || pss < 0 || privateClean < 0 || privateDirty < 0) {
            throw new IllegalStateException(file + " lacks one of Rss, Pss, Private_Clean, Private_Dirty");
        }
        return new MemoryUsage(rss, pss, privateClean + privateDirty, 1);
    }

    /** The sum over {@code pids}, skipping processes that are gone by now. */
    public static MemoryUsage sum(Iterable<Long> pids) {
        MemoryUsage total = NONE;
        for (long pid : pids) {
            MemoryUsage one = of(pid);
            if (one != null) {
                total = total.plus(one);
            }
        }
        return total;
    }

    public MemoryUsage plus(MemoryUsage other) {
        return new MemoryUsage(rssKib + other.rssKib, pssKib + other.pssKib, privateKib + other.privateKib,
                processes + other.processes);
    }

    public double rssMib() {
        return rssKib / 1024.0;
    }

    public double pssMib() {
        return pssKib / 1024.0;
    }

    public double privateMib() {
        return privateKib / 1024.0;
    }

    private static long field(List<String> lines, String name) {
        for (String line : lines) {
            if (line.startsWith(name)) {
                String value = line.substring(name.length()).trim();
                if (!value.endsWith(" kB")) {
                    throw new IllegalStateException("unexpected smaps_rollup line \"" + line + "\"");
                }
                return Long.parseLong(value.substring(0, value.length() - 3).trim());
            }
        }
        return -1;
    }
}
