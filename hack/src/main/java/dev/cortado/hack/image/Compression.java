package dev.cortado.hack.image;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;

/** How a layer tar is compressed in the registry. */
public enum Compression {
    NONE,
    GZIP,
    ZSTD;

    /** Wraps {@code out}; closing the result finishes the compressed stream and closes {@code out}. */
    OutputStream wrap(OutputStream out) throws IOException {
        return switch (this) {
            case NONE -> out;
            case GZIP -> new GZIPOutputStream(out, 64 * 1024);
            case ZSTD -> new ZstdOutputStream(out, 3);
        };
    }
}
