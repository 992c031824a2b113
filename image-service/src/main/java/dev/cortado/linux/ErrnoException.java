package dev.cortado.linux;

import java.io.IOException;

/**
 * A system call failed. The message reads like {@code mknod /a/b: Operation not permitted}: the
 * call, what it was applied to, and the C library's text for the error number.
 */
public final class ErrnoException extends IOException {

    private final int errno;

    public ErrnoException(String call, String subject, int errno, String description) {
        super(call + " " + subject + ": " + description);
        this.errno = errno;
    }

    /** The {@code errno} value the call left, for comparison with {@link Errno} constants. */
    public int errno() {
        return errno;
    }
}
