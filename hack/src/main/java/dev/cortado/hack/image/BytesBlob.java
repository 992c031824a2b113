package dev.cortado.hack.image;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** A small in-memory blob (config, manifest) with its media type. */
public record BytesBlob(String mediaType, byte[] bytes, String digest) implements Blob {

    public static BytesBlob of(String mediaType, byte[] bytes) {
        return new BytesBlob(mediaType, bytes.clone(), Digests.sha256(bytes));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public InputStream open() {
        return new ByteArrayInputStream(bytes);
    }

    /** The bytes as UTF-8 text, for JSON blobs. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
