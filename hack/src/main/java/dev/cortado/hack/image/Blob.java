package dev.cortado.hack.image;

import java.io.IOException;
import java.io.InputStream;

/** Content addressed by its sha256 digest, ready to upload. */
public interface Blob {
    /** {@code sha256:<hex>} of the exact bytes {@link #open()} yields. */
    String digest();

    long size();

    InputStream open() throws IOException;
}
