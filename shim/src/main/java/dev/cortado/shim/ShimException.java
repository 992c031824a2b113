package dev.cortado.shim;

import java.io.IOException;

/**
 * The shim refused or failed what was asked: a container that could not be created
 * ({@code mount /proc: Operation not permitted}), an {@code execve} that failed at START, an
 * {@code ERR} reply, a reply that breaks proto-v1, or no reply in time.
 *
 * <p>{@link #step()} names what failed when the shim said so (the text before the first
 * {@code ": "} of its message, e.g. {@code mount /proc} or {@code exec /app}); {@link #detail()}
 * is the rest (usually the errno text). {@link #getMessage()} is the whole, ready for a CRI error.
 */
public class ShimException extends IOException {
    private final String step;
    private final String detail;

    public ShimException(String step, String detail) {
        this(step, detail, null);
    }

    public ShimException(String step, String detail, Throwable cause) {
        super(step == null ? detail : step + ": " + detail, cause);
        this.step = step;
        this.detail = detail;
    }

    /** Splits a shim message of the form {@code <step>: <detail>}; without ": " it is all detail. */
    public static ShimException fromShimMessage(String message) {
        int colon = message.indexOf(": ");
        if (colon <= 0) {
            return new ShimException(null, message);
        }
        return new ShimException(message.substring(0, colon), message.substring(colon + 2));
    }

    /** What failed (e.g. {@code mount /proc}), or null when the shim's message named no step. */
    public String step() {
        return step;
    }

    /** Why it failed (e.g. {@code Operation not permitted}). */
    public String detail() {
        return detail;
    }
}
