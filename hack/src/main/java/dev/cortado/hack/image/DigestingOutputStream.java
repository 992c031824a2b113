package dev.cortado.hack.image;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/** Passes bytes through while counting them and hashing them with sha256. */
final class DigestingOutputStream extends FilterOutputStream {
    private final MessageDigest sha256 = Digests.newSha256();
    private long count;

    DigestingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        sha256.update((byte) b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        sha256.update(b, off, len);
        count += len;
    }

    long count() {
        return count;
    }

    /** The digest of everything written so far; call once, after the last write. */
    String digest() {
        return Digests.format(sha256.digest());
    }
}
