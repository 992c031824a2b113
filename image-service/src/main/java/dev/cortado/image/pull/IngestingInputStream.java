package dev.cortado.image.pull;

import dev.cortado.image.content.Ingest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes a blob's bytes on to the decompressor while writing each one, exactly once and in
 * order, to the blob's ingest file: downloading and unpacking happen in one pass.
 */
final class IngestingInputStream extends FilterInputStream {

    private final Ingest ingest;

    IngestingInputStream(InputStream source, Ingest ingest) {
        super(source);
        this.ingest = ingest;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = in.read(buffer, offset, length);
        if (n > 0 && ingest != null) {
            ingest.write(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(n, 64 * 1024)];
        int read = read(scratch, 0, scratch.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads whatever the decompressor left unread, so the whole blob is stored and hashed. */
    void drain() throws IOException {
        byte[] scratch = new byte[64 * 1024];
        while (read(scratch, 0, scratch.length) >= 0) {
            // keep reading to the end
        }
    }
}
