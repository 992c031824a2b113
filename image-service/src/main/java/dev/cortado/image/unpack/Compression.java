package dev.cortado.image.unpack;

import java.io.IOException;
import java.util.Locale;

/** How a layer blob is compressed, from its media type or, failing that, its first bytes. */
public enum Compression {
    NONE,
    GZIP,
    ZSTD;

    /**
     * The compression a layer media type names by its suffix (OCI {@code +gzip}/{@code +zstd},
     * docker {@code .tar.gzip}), or null when the type is empty or does not say. Encrypted layers
     * are refused: their content cannot be unpacked without keys cortado does not hold.
     */
    public static Compression fromMediaType(String mediaType) throws IOException {
        if (mediaType == null || mediaType.isBlank()) {
            return null;
        }
        String type = mediaType.trim().toLowerCase(Locale.ROOT);
        if (type.endsWith("+encrypted")) {
            throw new IOException("layer media type " + mediaType + " is encrypted; cortado cannot decrypt layers");
        }
        if (type.endsWith("+gzip") || type.endsWith(".gzip") || type.endsWith(".tar.gz")) {
            return GZIP;
        }
        if (type.endsWith("+zstd") || type.endsWith(".zstd")) {
            return ZSTD;
        }
        if (type.endsWith(".tar") || type.endsWith("/tar") || type.endsWith("x-tar")) {
            return NONE;
        }
        return null;
    }

    /** The compression the leading bytes of a stream show; NONE for anything else. */
    public static Compression sniff(byte[] head, int length) {
        if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
                && (head[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        return NONE;
    }
}
