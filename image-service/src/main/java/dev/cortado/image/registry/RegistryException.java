package dev.cortado.image.registry;

import java.io.IOException;
import java.util.Objects;

/**
 * A failure to get an image's content from a registry, classified so that callers can answer
 * with the right status (the ImageService maps {@link Kind} to gRPC codes). Messages name the
 * image or registry and say what went wrong in words a person can act on.
 */
public final class RegistryException extends IOException {

    /** What kind of failure, from the caller's point of view. */
    public enum Kind {
        /** The repository, tag, manifest or blob does not exist. */
        NOT_FOUND,
        /** Credentials are missing or were refused. */
        UNAUTHORIZED,
        /** The credentials were accepted but do not allow this pull (HTTP 403). */
        DENIED,
        /** No endpoint could be reached or all failed transiently; the message lists them. */
        UNREACHABLE,
        /** Content did not match its digest or declared size. */
        DIGEST_MISMATCH,
        /** A manifest or config bigger than the configured cap. */
        TOO_LARGE,
        /** Content of a kind cortado does not handle (schema 1, unknown media type). */
        UNSUPPORTED,
        /** A malformed answer: invalid JSON, missing fields, nonsensical headers. */
        PROTOCOL
    }

    private final Kind kind;

    public RegistryException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public RegistryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }
}
