package dev.cortado.shim;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/** The libc calls {@link AnswerPipe} needs, bound through jnr-ffi (public only because jnr-ffi must see it). */
public interface PipeLibC {
    int O_CLOEXEC = 02000000;
    int O_NONBLOCK = 04000;
    int EINTR = 4;
    int EAGAIN = 11;
    short POLLIN = 0x1;

    @SaveError
    int pipe2(@Out int[] fds, int flags);

    /** {@code fds} is an array of {@code struct pollfd} (int fd, short events, short revents). */
    @SaveError
    int poll(@In @Out byte[] fds, long nfds, int timeoutMillis);

    @SaveError
    @ssize_t
    long read(int fd, @Out byte[] buf, @size_t long count);

    int close(int fd);

    String strerror(int errnum);
}
