package dev.cortado.image.registry;

import dev.cortado.image.content.Digest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What to authenticate a pull with, in the forms the CRI's AuthConfig carries: a username and
 * password, an identity token (an OAuth2 refresh token, exchanged at the token service), or a
 * registry token (a bearer token sent as is). Any field may be null; all null is anonymous.
 * {@link #toString()} never shows secrets.
 */
public record Credentials(String username, String password, String identityToken, String registryToken) {

    private static final Credentials ANONYMOUS = new Credentials(null, null, null, null);

    public Credentials {
        username = blankToNull(username);
        password = blankToNull(password);
        identityToken = blankToNull(identityToken);
        registryToken = blankToNull(registryToken);
    }

    public static Credentials anonymous() {
        return ANONYMOUS;
    }

    public static Credentials basic(String username, String password) {
        return new Credentials(username, password, null, null);
    }

    /**
     * Decodes docker's {@code auth} form: base64 of {@code user:password} (split at the first
     * colon, since passwords may hold colons). Throws IllegalArgumentException when malformed.
     */
    public static Credentials fromAuth(String base64) {
        if (base64 == null || base64.isBlank()) {
            throw new IllegalArgumentException("empty auth string");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("auth string is not valid base64: " + e.getMessage(), e);
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("auth string does not decode to user:password");
        }
        return basic(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    public boolean isAnonymous() {
        return username == null && password == null && identityToken == null && registryToken == null;
    }

    public boolean hasUsernamePassword() {
        return username != null && password != null;
    }

    /** {@code Basic base64(user:password)}, or null without a username and password. */
    String basicAuthorization() {
        if (!hasUsernamePassword()) {
            return null;
        }
        byte[] pair = (username + ":" + password).getBytes(StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair);
    }

    /**
     * A one-way tag of these credentials, so that a token obtained with them is only reused by
     * sessions holding the same ones (never handed to an anonymous or other user's pull).
     */
    String fingerprint() {
        if (isAnonymous()) {
            return "anonymous";
        }
        String joined = String.join("\u0000", String.valueOf(username), String.valueOf(password),
                String.valueOf(identityToken), String.valueOf(registryToken));
        return Digest.sha256Of(joined.getBytes(StandardCharsets.UTF_8)).shortHex();
    }

    /** Who these credentials are, for messages: a username, "an identity token", or "anonymous". */
    String describe() {
        if (username != null) {
            return "user \"" + username + "\"";
        }
        if (identityToken != null) {
            return "an identity token";
        }
        return registryToken != null ? "a registry token" : "no credentials";
    }

    @Override
    public String toString() {
        return "Credentials[" + describe() + "]";
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
