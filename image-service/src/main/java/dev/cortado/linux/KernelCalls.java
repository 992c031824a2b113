package dev.cortado.linux;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;

/**
 * The libc entries for namespaces, sockets and the new mount API, bound through jnr-ffi; use
 * {@link Namespaces} and {@link MountApi}, not this. The mount API calls have no glibc 2.36
 * wrappers and go through {@code syscall(2)}, one overload per argument shape.
 */
public interface KernelCalls {

    @SaveError
    int unshare(int flags);

    @SaveError
    int setns(int fd, int nstype);

    int gettid();

    @SaveError
    int sethostname(@In byte[] name, @size_t long length);

    @SaveError
    int open(@In byte[] path, int flags);

    int close(int fd);

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int ioctl(int fd, long request, byte[] argument);

    @SaveError
    long read(int fd, @Out byte[] buffer, @size_t long count);

    @SaveError
    int kill(int pid, int signal);

    String strerror(int errnum);

    /** fsopen(fsname, flags). */
    @SaveError
    long syscall(long number, @In byte[] name, int flags);

    /** fsconfig(fd, cmd, key, value, aux). */
    @SaveError
    long syscall(long number, int fd, int cmd, @In byte[] key, @In byte[] value, int aux);

    /** fsmount(fd, flags, attrFlags). */
    @SaveError
    long syscall(long number, int fd, int flags, int attrFlags);

    /** move_mount(fromDirFd, fromPath, toDirFd, toPath, flags). */
    @SaveError
    long syscall(long number, int fromDirFd, @In byte[] fromPath, int toDirFd, @In byte[] toPath, int flags);
}
