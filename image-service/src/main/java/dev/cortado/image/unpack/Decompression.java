package dev.cortado.image.unpack;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Opens a layer blob as its uncompressed tar stream. Closing the result closes the blob stream.
 */
public final class Decompression {

    private static final int BUFFER = 256 * 1024;
    private static final int MAGIC_LENGTH = 4;

    private Decompression() {
    }

    /**
     * @param mediaType the layer's descriptor media type; when empty or unknown the compression
     *                  is recognised from the first bytes (gzip {@code 1f 8b}, zstd
     *                  {@code 28 b5 2f fd}, anything else is taken as a plain tar)
     */
    public static InputStream open(InputStream blob, String mediaType) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(blob, BUFFER);
        Compression sniffed = Compression.sniff(peek(buffered), MAGIC_LENGTH);
        Compression declared = Compression.fromMediaType(mediaType);
        Compression actual = declared == null ? sniffed : declared;
        if (actual != sniffed) {
            // a tar cannot start with either magic (neither is a valid UTF-8 file name), so a
            // mismatch is a mislabelled blob, and unpacking it would compute a wrong diff ID
            throw new IOException("layer of media type " + mediaType + " should be "
                    + (actual == Compression.NONE ? "uncompressed" : actual + "-compressed")
                    + " but its first bytes "
                    + (sniffed == Compression.NONE ? "are not " + actual + " magic" : "are " + sniffed + " magic"));
        }
        return switch (actual) {
            case NONE -> buffered;
            // JDK 17's GZIPInputStream can stop after the first member of a concatenated stream
            // when available() reports 0; commons-compress reads every member
            case GZIP -> GzipCompressorInputStream.builder().setInputStream(buffered).setDecompressConcatenated(true).get();
            case ZSTD -> new ZstdInputStreamNoFinalizer(buffered);
        };
    }

    private static byte[] peek(BufferedInputStream in) throws IOException {
        byte[] head = new byte[MAGIC_LENGTH];
        in.mark(MAGIC_LENGTH);
        int filled = 0;
        int n;
        while (filled < MAGIC_LENGTH && (n = in.read(head, filled, MAGIC_LENGTH - filled)) > 0) {
            filled += n;
        }
        in.reset();
        return head;
    }
}
