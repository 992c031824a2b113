package dev.cortado.linux;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc functions cortado calls directly, bound through jnr-ffi. Paths and names are passed
 * as NUL-terminated byte arrays so that the bytes reaching the kernel are exactly the ones Java's
 * own file system code would use (see {@link NativePaths}); use {@link Syscalls}, not this.
 */
public interface LibC {

    @SaveError
    int mknod(@In byte[] path, int mode, long dev);

    @SaveError
    int lchown(@In byte[] path, int uid, int gid);

    @SaveError
    int chmod(@In byte[] path, int mode);

    @SaveError
    int fchmodat(int dirfd, @In byte[] path, int mode, int flags);

    /** The raw syscall(2) entry, for calls glibc 2.36 has no wrapper for (fchmodat2). */
    @SaveError
    long syscall(long number, int dirfd, @In byte[] path, int mode, int flags);

    @SaveError
    int symlink(@In byte[] target, @In byte[] linkPath);

    @SaveError
    int lsetxattr(@In byte[] path, @In byte[] name, @In byte[] value, @size_t long size, int flags);

    @SaveError
    @ssize_t
    long lgetxattr(@In byte[] path, @In byte[] name, @Out byte[] value, @size_t long size);

    @SaveError
    @ssize_t
    long llistxattr(@In byte[] path, @Out byte[] list, @size_t long size);

    /** {@code times} is two {@code struct timespec} laid out as four 64-bit words (LP64). */
    @SaveError
    int utimensat(int dirfd, @In byte[] path, @In long[] times, int flags);

    @SaveError
    int mount(@In byte[] source, @In byte[] target, @In byte[] fsType, long flags, @In byte[] data);

    @SaveError
    int umount2(@In byte[] target, int flags);

    /** {@code buf} receives a {@code struct statfs} (120 bytes on LP64 Linux). */
    @SaveError
    int statfs(@In byte[] path, @Out byte[] buf);

    @SaveError
    int open(@In byte[] path, int flags);

    @SaveError
    int syncfs(int fd);

    int close(int fd);

    String strerror(int errnum);
}
