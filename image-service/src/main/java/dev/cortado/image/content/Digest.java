package dev.cortado.image.content;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest as OCI writes it: {@code <algorithm>:<hex>}. Only sha256 and sha512 are
 * accepted; the hex part is validated so that a digest can safely name a file.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {

    private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

    public Digest {
        Pattern shape = switch (algorithm) {
            case "sha256" -> SHA256;
            case "sha512" -> SHA512;
            default -> throw new IllegalArgumentException("unsupported digest algorithm \"" + algorithm + "\"");
        };
        if (hex == null || !shape.matcher(hex).matches()) {
            throw new IllegalArgumentException("malformed " + algorithm + " digest \"" + hex + "\"");
        }
    }

    /** Parses {@code sha256:<64 lowercase hex>}; throws IllegalArgumentException naming the problem. */
    public static Digest parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing digest");
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("malformed digest \"" + text + "\": expected <algorithm>:<hex>");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static Digest sha256(String hex) {
        return new Digest("sha256", hex);
    }

    public static Digest sha256Of(byte[] content) {
        return of(newSha256().digest(content));
    }

    /** The digest of a finished sha256 computation. */
    public static Digest of(byte[] sha256) {
        return sha256(HexFormat.of().formatHex(sha256));
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** A fresh hasher for this digest's algorithm. */
    public MessageDigest newHasher() {
        try {
            return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no " + algorithm, e);
        }
    }

    /** Whether a finished computation of {@link #newHasher()} matches this digest. */
    public boolean matches(byte[] computed) {
        return MessageDigest.isEqual(computed, HexFormat.of().parseHex(hex));
    }

    /** The first 12 hex characters, as docker shows image ids. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public int compareTo(Digest other) {
        return toString().compareTo(other.toString());
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
