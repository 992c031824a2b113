package dev.cortado.shim;

/**
 * No shim answers: its socket is missing, refuses connections, or the shim closed the connection
 * before replying (it died). The daemon falls back to the exit file ({@link ExitFile}).
 */
public final class ShimGoneException extends ShimException {
    public ShimGoneException(String detail, Throwable cause) {
        super(null, detail, cause);
    }
}
