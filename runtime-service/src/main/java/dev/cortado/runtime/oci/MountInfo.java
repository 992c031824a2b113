package dev.cortado.runtime.oci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** A process's mount table, parsed from its mountinfo file (proc(5)). */
public final class MountInfo {

    private final List<MountPoint> mounts;

    private MountInfo(List<MountPoint> mounts) {
        this.mounts = List.copyOf(mounts);
    }

    public static MountInfo read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    public static MountInfo parse(String text) {
        List<MountPoint> mounts = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            int dash = Arrays.asList(f).indexOf("-");
            if (f.length < 10 || dash < 6 || dash + 3 > f.length) {
                throw new IllegalArgumentException("not a mountinfo line: \"" + line + "\"");
            }
            mounts.add(new MountPoint(Integer.parseInt(f[0]), Integer.parseInt(f[1]), unescape(f[3]),
                    Path.of(unescape(f[4])), f[5], List.of(Arrays.copyOfRange(f, 6, dash)), f[dash + 1],
                    unescape(f[dash + 2])));
        }
        return new MountInfo(mounts);
    }

    public List<MountPoint> mounts() {
        return mounts;
    }

    /**
     * The mount a path lies on: the one with the longest mount point above it, and of several at
     * the same point the last (top) one.
     */
    public Optional<MountPoint> containing(Path path) {
        MountPoint best = null;
        for (MountPoint m : mounts) {
            if (path.startsWith(m.mountPoint())
                    && (best == null || m.mountPoint().getNameCount() >= best.mountPoint().getNameCount())) {
                best = m;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The kernel writes space, tab, newline and backslash as three-digit octal escapes. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
