package dev.cortado.hack.registry;

import java.net.URI;

/** A registry or token server answered with an unexpected status; carries what it said. */
public final class RegistryException extends RuntimeException {
    private final int status;
    private final String body;
    private final URI uri;

    public RegistryException(String message, URI uri, int status, String body) {
        super(message + " (" + uri + " answered " + status + (body == null || body.isBlank() ? "" : ": " + abbreviate(body)) + ")");
        this.status = status;
        this.body = body == null ? "" : body;
        this.uri = uri;
    }

    public int status() {
        return status;
    }

    /** The response body, e.g. the registry's {@code {"errors":[...]}} JSON. */
    public String body() {
        return body;
    }

    public URI uri() {
        return uri;
    }

    private static String abbreviate(String text) {
        String flat = text.strip();
        return flat.length() <= 500 ? flat : flat.substring(0, 500) + "...";
    }
}
