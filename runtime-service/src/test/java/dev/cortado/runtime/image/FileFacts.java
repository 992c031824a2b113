package dev.cortado.runtime.image;

import dev.cortado.linux.ErrnoException;
import dev.cortado.linux.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;

/** What a path on disk is, read with lstat semantics (never through a symlink), for assertions. */
final class FileFacts {

    static final int S_IFMT = 0170000;
    static final int S_IFCHR = 0020000;
    static final int S_IFIFO = 0010000;
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Syscalls syscalls = new Syscalls();

    static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", NOFOLLOW);
    }

    /** Permission, setuid, setgid and sticky bits. */
    static int permissions(Path path) throws IOException {
        return mode(path) & 07777;
    }

    static int fileType(Path path) throws IOException {
        return mode(path) & S_IFMT;
    }

    static int uid(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:uid", NOFOLLOW);
    }

    static int gid(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:gid", NOFOLLOW);
    }

    static long rdev(Path path) throws IOException {
        return (Long) Files.getAttribute(path, "unix:rdev", NOFOLLOW);
    }

    static long inode(Path path) throws IOException {
        return (Long) Files.getAttribute(path, "unix:ino", NOFOLLOW);
    }

    static int links(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:nlink", NOFOLLOW);
    }

    static Instant mtime(Path path) throws IOException {
        return Files.getLastModifiedTime(path, NOFOLLOW).toInstant();
    }

    static boolean exists(Path path) {
        return Files.exists(path, NOFOLLOW);
    }

    /** The raw value of an extended attribute of the path itself, or null when it has none. */
    byte[] xattr(Path path, String name) throws IOException {
        try {
            return syscalls.lgetxattr(path, name);
        } catch (ErrnoException e) {
            if (e.errno() == 61) { // ENODATA
                return null;
            }
            throw e;
        }
    }
}
