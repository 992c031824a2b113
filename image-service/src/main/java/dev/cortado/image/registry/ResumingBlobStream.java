package dev.cortado.image.registry;

import dev.cortado.image.content.Digest;
import dev.cortado.image.registry.RegistryException.Kind;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A blob download that survives cuts: when the connection fails or ends before the declared
 * size, it asks again from the byte it got to (the opener sends a Range request) after a
 * backoff, up to maxAttempts transfers in all. Never delivers more than the declared size; a
 * blob that turns out longer is a DIGEST_MISMATCH. The caller verifies the digest of what it reads.
 */
final class ResumingBlobStream extends InputStream {

    private static final System.Logger LOG = System.getLogger(ResumingBlobStream.class.getName());

    /** Opens the blob's body positioned at {@code offset}; definite failures are RegistryExceptions. */
    @FunctionalInterface
    interface Opener {
        InputStream open(long offset) throws IOException;
    }

    private final Opener opener;
    private final Digest digest;
    private final long expectedSize;
    private final RetryPolicy retry;
    private final String what;
    private InputStream current;
    private long position;
    private int transfers = 1;
    private boolean closed;
    private boolean checkedEnd;

    /**
     * @param first        the already-open body, positioned at {@code offset}
     * @param expectedSize the declared size, or -1 when unknown (then an early end cannot be told)
     * @param what         "blob sha256:.. of image .." for messages
     */
    ResumingBlobStream(Opener opener, InputStream first, Digest digest, long expectedSize, long offset,
                       RetryPolicy retry, String what) {
        this.opener = opener;
        this.current = first;
        this.digest = digest;
        this.expectedSize = expectedSize;
        this.position = offset;
        this.retry = retry;
        this.what = what;
    }

    long position() {
        return position;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
        if (closed) {
            throw new IOException(what + ": stream is closed");
        }
        if (length == 0) {
            return 0;
        }
        while (true) {
            if (expectedSize >= 0 && position == expectedSize) {
                checkNothingMore();
                return -1;
            }
            int wanted = expectedSize >= 0 ? (int) Math.min(length, expectedSize - position) : length;
            IOException failure;
            try {
                int n = current.read(buffer, offset, wanted);
                if (n > 0) {
                    position += n;
                    return n;
                }
                if (n < 0 && expectedSize < 0) {
                    return -1;
                }
                failure = new IOException("connection ended at byte " + position + " of " + expectedSize);
            } catch (RegistryException | InterruptedIOException e) {
                if (e instanceof java.net.SocketTimeoutException) {
                    failure = e;
                } else {
                    throw e;
                }
            } catch (IOException e) {
                failure = e;
            }
            resume(failure);
        }
    }

    /** After the declared size, one more byte means the blob is not what its descriptor says. */
    private void checkNothingMore() throws IOException {
        if (checkedEnd) {
            return;
        }
        checkedEnd = true;
        int extra;
        try {
            extra = current.read();
        } catch (IOException e) {
            // The declared bytes all arrived; a failure after them is no concern of this blob.
            return;
        }
        if (extra >= 0) {
            throw new RegistryException(Kind.DIGEST_MISMATCH, what + ": the registry sent more than the "
                    + expectedSize + " bytes its descriptor declares (" + digest + ")");
        }
    }

    private void resume(IOException failure) throws IOException {
        IOException last = failure;
        while (true) {
            if (transfers >= retry.maxAttempts()) {
                throw new RegistryException(Kind.UNREACHABLE, what + ": transfer failed " + transfers
                        + " times, last at byte " + position + (expectedSize >= 0 ? " of " + expectedSize : "")
                        + ": " + Failures.describe(last), last);
            }
            closeQuietly(current);
            current = InputStream.nullInputStream();
            java.time.Duration backoff = retry.backoff(transfers);
            LOG.log(System.Logger.Level.INFO, "{0}: transfer broke at byte {1} ({2}); resuming in {3} ms", what,
                    position, Failures.describe(last), backoff.toMillis());
            RetryPolicy.sleep(backoff);
            transfers++;
            try {
                current = opener.open(position);
                return;
            } catch (RegistryException e) {
                if (e.kind() != Kind.UNREACHABLE) {
                    throw e;
                }
                last = e;
            } catch (InterruptedIOException e) {
                if (!(e instanceof java.net.SocketTimeoutException)) {
                    throw e;
                }
                last = e;
            } catch (IOException e) {
                last = e;
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeQuietly(current);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // Abandoning a body: a failure to close it changes nothing for the caller.
        }
    }
}
