package dev.cortado.image.unpack;

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

/** Reads what is on disk without following symlinks, for assertions. */
final class FileFacts {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private FileFacts() {
    }

    static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW);
    }

    static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", NOFOLLOW);
    }

    static int gid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:gid", NOFOLLOW);
    }

    static long rdev(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:rdev", NOFOLLOW);
    }

    static long inode(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:ino", NOFOLLOW);
    }

    static int nlink(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:nlink", NOFOLLOW);
    }

    static Instant mtime(Path p) throws IOException {
        return Files.getLastModifiedTime(p, NOFOLLOW).toInstant();
    }

    static boolean exists(Path p) {
        return Files.exists(p, NOFOLLOW);
    }

    /**
     * Every path under {@code dir} (except {@code skip}) with type, mode, owner, size, mtime and
     * content, so a before/after comparison shows any change at all.
     */
    static Map<String, String> snapshot(Path dir, Path skip) {
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
