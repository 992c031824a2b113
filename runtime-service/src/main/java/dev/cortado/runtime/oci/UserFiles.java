package dev.cortado.runtime.oci;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses /etc/passwd and /etc/group as libc does for "files": colon-separated fields, one entry
 * a line. Lines that cannot be an entry (comments, NIS "+"/"-" lines, too few fields, ids that
 * are not numbers) are skipped rather than refused, since images carry all sorts.
 */
final class UserFiles {

    private UserFiles() {
    }

    static List<PasswdEntry> parsePasswd(String text) {
        List<PasswdEntry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = fields(line);
            if (f == null || f.length < 4) {
                continue;
            }
            Long uid = number(f[2]);
            Long gid = number(f[3]);
            if (uid == null || gid == null) {
                continue;
            }
            entries.add(new PasswdEntry(f[0], uid, gid, f.length > 5 ? f[5] : ""));
        }
        return entries;
    }

    static List<GroupEntry> parseGroup(String text) {
        List<GroupEntry> entries = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = fields(line);
            if (f == null || f.length < 3) {
                continue;
            }
            Long gid = number(f[2]);
            if (gid == null) {
                continue;
            }
            List<String> members = f.length > 3 && !f[3].isBlank()
                    ? Arrays.stream(f[3].split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList()
                    : List.of();
            entries.add(new GroupEntry(f[0], gid, members));
        }
        return entries;
    }

    private static String[] fields(String line) {
        String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        if (l.isBlank() || l.startsWith("#") || l.startsWith("+") || l.startsWith("-")) {
            return null;
        }
        String[] f = l.split(":", -1);
        return f[0].isEmpty() ? null : f;
    }

    /** A decimal id in the kernel's range, or null. */
    static Long number(String text) {
        if (text.isEmpty() || text.length() > 10 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        long value = Long.parseLong(text);
        return value <= 0xFFFF_FFFEL ? value : null;
    }
}
