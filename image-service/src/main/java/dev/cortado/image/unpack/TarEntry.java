package dev.cortado.image.unpack;

import java.time.Instant;
import java.util.Map;

/**
 * One tar entry after extension headers are merged: {@code name} and {@code linkName} exactly as
 * the archive spells them, {@code mode} the twelve permission bits, times with nanoseconds when a
 * PAX header gives them, {@code atime} null when absent, and xattrs byte for byte.
 */
record TarEntry(String name, String linkName, TarEntryType type, int mode, long uid, long gid, long size,
                Instant mtime, Instant atime, long devMajor, long devMinor, Map<String, byte[]> xattrs) {
}
