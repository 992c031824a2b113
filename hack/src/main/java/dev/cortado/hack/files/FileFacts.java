package dev.cortado.hack.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a path on disk is, read with lstat semantics (never through a symlink), for tests that
 * check what an unpack or a runtime left on disk.
 */
public final class FileFacts {

    public static final int S_IFMT = 0170000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private FileFacts() {
    }

    public static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW);
    }

    /** Permission, setuid, setgid and sticky bits. */
    public static int permissions(Path p) throws IOException {
        return mode(p) & 07777;
    }

    public static int fileType(Path p) throws IOException {
        return mode(p) & S_IFMT;
    }

    public static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", NOFOLLOW);
    }

    public static int gid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:gid", NOFOLLOW);
    }

    public static long rdev(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:rdev", NOFOLLOW);
    }

    public static long inode(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:ino", NOFOLLOW);
    }

    public static int nlink(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:nlink", NOFOLLOW);
    }

    public static Instant mtime(Path p) throws IOException {
        return Files.getLastModifiedTime(p, NOFOLLOW).toInstant();
    }

    public static boolean exists(Path p) {
        return Files.exists(p, NOFOLLOW);
    }

    /**
     * Every path under {@code dir} (except {@code skip}) with type, mode, owner, size, mtime and
     * content, so a before/after comparison shows any change at all.
     */
    public static Map<String, String> snapshot(Path dir, Path skip) {
        Map<String, String> facts = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (skip != null && p.startsWith(skip)) {
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
                String content = a.isRegularFile() ? Files.readString(p, StandardCharsets.ISO_8859_1)
                        : a.isSymbolicLink() ? "-> " + Files.readSymbolicLink(p) : "";
                facts.put(dir.relativize(p).toString(), String.format("mode=%o uid=%d nlink=%d size=%d mtime=%s %s",
                        mode(p), uid(p), nlink(p), a.size(), a.lastModifiedTime(), content));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return facts;
    }
}
