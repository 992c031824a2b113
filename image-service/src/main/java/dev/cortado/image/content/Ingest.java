package dev.cortado.image.content;

import dev.cortado.image.metadata.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * One blob being written: bytes are appended and hashed as they arrive, and the blob becomes
 * visible in the store only through {@link #commit()}, which checks size and digest first.
 * Closing without a commit discards the partial file.
 */
public final class Ingest implements AutoCloseable {

    private final Digest expected;
    private final long expectedSize;
    private final Path temp;
    private final Path target;
    private final FileChannel out;
    private final MessageDigest hasher;
    private long written;
    private boolean committed;

    Ingest(Digest expected, long expectedSize, Path temp, Path target) throws IOException {
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.temp = temp;
        this.target = target;
        this.out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.hasher = expected.newHasher();
    }

    public void write(byte[] buffer, int offset, int length) throws IOException {
        if (expectedSize >= 0 && written + length > expectedSize) {
            throw new ContentMismatchException("blob " + expected + " is longer than the " + expectedSize
                    + " bytes its descriptor states");
        }
        hasher.update(buffer, offset, length);
        ByteBuffer chunk = ByteBuffer.wrap(buffer, offset, length);
        while (chunk.hasRemaining()) {
            out.write(chunk);
        }
        written += length;
    }

    public long written() {
        return written;
    }

    /**
     * Whether the bytes written so far are the whole blob, by declared size and digest. Leaves
     * the running hash as it is, so writing may go on.
     */
    public boolean writtenMatches() {
        if (expectedSize >= 0 && written != expectedSize) {
            return false;
        }
        try {
            return expected.matches(((MessageDigest) hasher.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JVM's " + hasher.getAlgorithm() + " cannot be cloned", e);
        }
    }

    /**
     * Verifies what was written and moves it into the store. {@code durable} flushes the data
     * first; a caller that syncs the whole filesystem afterwards may skip it.
     */
    public void commit(boolean durable) throws IOException {
        if (expectedSize >= 0 && written != expectedSize) {
            throw new ContentMismatchException("blob " + expected + " ended after " + written + " of "
                    + expectedSize + " bytes");
        }
        if (!expected.matches(hasher.digest())) {
            throw new ContentMismatchException("blob " + expected + " does not match its digest");
        }
        if (durable) {
            out.force(true);
        }
        out.close();
        Files.createDirectories(target.getParent());
        AtomicFiles.moveDurably(temp, target);
        committed = true;
    }

    @Override
    public void close() throws IOException {
        out.close();
        if (!committed) {
            Files.deleteIfExists(temp);
        }
    }
}
