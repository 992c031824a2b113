package dev.cortado.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jnr.ffi.LibraryLoader;

/**
 * The Linux calls Java's standard library does not offer, with Java types in and
 * {@link ErrnoException} out. One instance loads libc once; it holds no other state and may be
 * shared between threads (errno is saved per thread by jnr-ffi).
 */
public final class Syscalls {

    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final long UTIME_OMIT = (1L << 30) - 2;
    private static final int STATFS_SIZE = 120;
    private static final int XATTR_LIST_START = 1024;
    /** fchmodat2(2), Linux 6.6+; the same number on every architecture. */
    private static final long SYS_FCHMODAT2 = 452;
    private static final int ENOSYS = 38;
    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_CLOEXEC = 02000000;

    private final LibC libc;
    private final jnr.ffi.Runtime runtime;
    private final NativePaths paths = new NativePaths();
    /** Cleared once the kernel says it lacks fchmodat2, so later calls go straight to glibc. */
    private volatile boolean tryFchmodat2 = true;

    public Syscalls() {
        this.libc = LibraryLoader.create(LibC.class).load("c");
        this.runtime = jnr.ffi.Runtime.getRuntime(libc);
    }

    /** Creates a device node or fifo; {@code permissions} may include setuid/setgid/sticky bits. */
    public void mknod(Path path, NodeType type, int permissions, long major, long minor) throws ErrnoException {
        check(libc.mknod(paths.path(path), type.typeBits() | (permissions & 07777),
                DeviceNumbers.makedev(major, minor)), "mknod", path);
    }

    /** Changes owner without following a final symlink; -1 leaves that id unchanged. */
    public void lchown(Path path, int uid, int gid) throws ErrnoException {
        check(libc.lchown(paths.path(path), uid, gid), "lchown", path);
    }

    /** Sets all twelve mode bits (setuid, setgid and sticky included); follows symlinks. */
    public void chmod(Path path, int mode) throws ErrnoException {
        check(libc.chmod(paths.path(path), mode & 07777), "chmod", path);
    }

    /**
     * Like {@link #chmod} but refuses (EOPNOTSUPP) instead of following when the path is a
     * symlink, so a link planted where a file was expected cannot redirect the change.
     */
    public void chmodNoFollow(Path path, int mode) throws ErrnoException {
        byte[] cPath = paths.path(path);
        if (tryFchmodat2) {
            // one system call, where glibc 2.36 emulates the flag with open(O_PATH), fstat and /proc
            long result = libc.syscall(SYS_FCHMODAT2, AT_FDCWD, cPath, mode & 07777, AT_SYMLINK_NOFOLLOW);
            if (result == 0) {
                return;
            }
            int errno = runtime.getLastError();
            if (errno == ENOSYS) {
                tryFchmodat2 = false;
            } else if (errno != Errno.EPERM) { // EPERM may be a seccomp filter that does not know the call
                throw new ErrnoException("chmod", path.toString(), errno, describe(errno));
            }
        }
        check(libc.fchmodat(AT_FDCWD, cPath, mode & 07777, AT_SYMLINK_NOFOLLOW), "chmod", path);
    }

    /** Creates {@code link} pointing at {@code target} byte for byte (no normalisation). */
    public void symlink(String target, Path link) throws ErrnoException {
        check(libc.symlink(paths.fileName(target), paths.path(link)), "symlink", link);
    }

    public void lsetxattr(Path path, String name, byte[] value) throws ErrnoException {
        check(libc.lsetxattr(paths.path(path), NativePaths.utf8(name), value, value.length, 0),
                "lsetxattr " + name, path);
    }

    /** The value of one extended attribute; ENODATA (as ErrnoException) when it is not set. */
    public byte[] lgetxattr(Path path, String name) throws ErrnoException {
        byte[] cPath = paths.path(path);
        byte[] cName = NativePaths.utf8(name);
        while (true) {
            long size = libc.lgetxattr(cPath, cName, null, 0);
            check(size, "lgetxattr " + name, path);
            byte[] value = new byte[(int) size];
            long got = libc.lgetxattr(cPath, cName, value, value.length);
            if (got >= 0) {
                return got == value.length ? value : Arrays.copyOf(value, (int) got);
            }
            if (runtime.getLastError() != Errno.ERANGE) {
                check(got, "lgetxattr " + name, path);
            }
            // the value grew between the two calls: ask again
        }
    }

    /** Names of all extended attributes of the path itself (a symlink's own, not its target's). */
    public List<String> llistxattr(Path path) throws ErrnoException {
        byte[] cPath = paths.path(path);
        byte[] buffer = new byte[XATTR_LIST_START];
        long got;
        while ((got = libc.llistxattr(cPath, buffer, buffer.length)) < 0) {
            if (runtime.getLastError() != Errno.ERANGE) {
                check(got, "llistxattr", path);
            }
            long needed = libc.llistxattr(cPath, null, 0);
            check(needed, "llistxattr", path);
            buffer = new byte[(int) Math.max(needed, buffer.length * 2L)];
        }
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < got; i++) {
            if (buffer[i] == 0) {
                if (i > start) {
                    names.add(new String(buffer, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return names;
    }

    /**
     * Sets access and modification times with nanosecond precision on the path itself, never on
     * a symlink's target. A null time is left as it is.
     */
    public void utimensatNoFollow(Path path, Instant atime, Instant mtime) throws ErrnoException {
        long[] times = {
            atime == null ? 0 : atime.getEpochSecond(), atime == null ? UTIME_OMIT : atime.getNano(),
            mtime == null ? 0 : mtime.getEpochSecond(), mtime == null ? UTIME_OMIT : mtime.getNano(),
        };
        check(libc.utimensat(AT_FDCWD, paths.path(path), times, AT_SYMLINK_NOFOLLOW), "utimensat", path);
    }

    /** mount(2); source, fsType and data may be null. Flags are {@link MountFlags} MS_* values. */
    public void mount(String source, Path target, String fsType, long flags, String data) throws ErrnoException {
        check(libc.mount(source == null ? null : paths.fileName(source), paths.path(target),
                fsType == null ? null : NativePaths.utf8(fsType), flags,
                data == null ? null : NativePaths.utf8(data)), "mount", target);
    }

    /** umount2(2); flags are {@link MountFlags} MNT_* values. */
    public void umount2(Path target, int flags) throws ErrnoException {
        check(libc.umount2(paths.path(target), flags), "umount2", target);
    }

    /**
     * Flushes everything written to the filesystem holding {@code path}: one call makes a whole
     * unpacked layer durable, instead of an fsync per file.
     */
    public void syncfs(Path path) throws ErrnoException {
        int fd = libc.open(paths.path(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        check(fd, "open", path);
        try {
            check(libc.syncfs(fd), "syncfs", path);
        } finally {
            libc.close(fd);
        }
    }

    public StatFs statfs(Path path) throws ErrnoException {
        byte[] buf = new byte[STATFS_SIZE];
        check(libc.statfs(paths.path(path), buf), "statfs", path);
        // struct statfs on LP64 Linux: ten 8-byte words, f_fsid (8 bytes) at offset 56
        ByteBuffer words = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        return new StatFs(words.getLong(0), words.getLong(8), words.getLong(16), words.getLong(24),
                words.getLong(32), words.getLong(40), words.getLong(48), words.getLong(80));
    }

    private void check(long result, String call, Object subject) throws ErrnoException {
        if (result < 0) {
            int errno = runtime.getLastError();
            throw new ErrnoException(call, String.valueOf(subject), errno, describe(errno));
        }
    }

    private String describe(int errno) {
        String text = libc.strerror(errno);
        return text == null ? "errno " + errno : text;
    }
}
