package dev.cortado.runtime.stats;

import dev.cortado.runtime.cgroup.Cgroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads cgroup control files. A missing file (controller not mounted, cgroup already removed)
 * is an absent value, not an error: stats report what the kernel has.
 */
final class CgroupFiles {

    /** v1 reports "no limit" as a huge page-rounded number near 2^63. */
    static final long V1_UNLIMITED = 1L << 62;

    private CgroupFiles() {
    }

    /** The file's single number, null when absent, unreadable or "max". */
    static Long number(Path file) {
        String text = text(file);
        if (text == null || text.isEmpty() || text.equals("max")) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException odd) {
            return null;
        }
    }

    /** A v1 limit file: null when it says unlimited. */
    static Long limit(Path file) {
        Long value = number(file);
        return value == null || value < 0 || value >= V1_UNLIMITED ? null : value;
    }

    /** "key value" lines (memory.stat, cpu.stat, memory.events, memory.oom_control); empty when absent. */
    static Map<String, Long> keyed(Path file) {
        String text = text(file);
        return text == null ? Map.of() : Cgroup.keyedValues(text);
    }

    /** The trimmed content, or null when the file does not exist or cannot be read. */
    static String text(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException unreadable) {
            return null;
        }
    }
}
