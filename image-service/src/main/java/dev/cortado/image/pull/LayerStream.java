package dev.cortado.image.pull;

import dev.cortado.image.content.Digest;
import dev.cortado.image.unpack.Decompression;
import dev.cortado.image.unpack.LayerUnpacker;
import dev.cortado.image.unpack.UnpackStats;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * The one pass every layer takes: compressed bytes from {@code source} are written to the
 * ingest file (when downloading) while being decompressed, digested as a tar and unpacked.
 */
final class LayerStream {

    /** What came out: the unpack figures and the diff_id of the tar that was read. */
    record Result(UnpackStats stats, Digest diffId) {
    }

    private LayerStream() {
    }

    /**
     * @param tee the compressed bytes, passing through the blob's ingest file when downloading;
     *            read to its end on success
     */
    static Result copy(IngestingInputStream tee, String mediaType, Path target, LayerUnpacker unpacker)
            throws IOException {
        MessageDigest diffHasher = Digest.newSha256();
        InputStream tar = new DigestInputStream(Decompression.open(tee, mediaType), diffHasher);
        UnpackStats stats = unpacker.unpack(tar, target);
        tee.drain();
        return new Result(stats, Digest.of(diffHasher.digest()));
    }
}
