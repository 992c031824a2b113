package dev.cortado.hack.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 digests in the {@code sha256:<hex>} form registries and image configs use. */
public final class Digests {
    private Digests() {
    }

    public static String sha256(byte[] bytes) {
        return format(newSha256().digest(bytes));
    }

    /** The hex part of a {@code sha256:} digest. */
    public static String hex(String digest) {
        if (!digest.startsWith("sha256:") || digest.length() != 71) {
            throw new IllegalArgumentException("\"" + digest + "\" is not a sha256 digest");
        }
        return digest.substring(7);
    }

    static String format(byte[] sha256) {
        return "sha256:" + HexFormat.of().formatHex(sha256);
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
