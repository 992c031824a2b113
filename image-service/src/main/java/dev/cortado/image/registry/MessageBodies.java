package dev.cortado.image.registry;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 message bodies read off a connection: fixed length, chunked, or up to the close.
 * When a body has been read to its end and closed, its connection goes back for reuse; when it
 * is closed early, the connection is dropped (a small rest is skipped so the connection can
 * still be kept).
 */
final class MessageBodies {

    /** Bytes worth reading past to keep a connection rather than dropping it. */
    private static final long DRAIN_LIMIT = 64 * 1024;

    /** Told once what became of the connection when its body is closed. */
    interface Release {
        void release(boolean reusable);
    }

    private MessageBodies() {
    }

    static InputStream empty(Release release) {
        return new Framed(InputStream.nullInputStream(), release) {
            @Override
            int readFramed(byte[] b, int off, int len) {
                return -1;
            }

            @Override
            boolean finished() {
                return true;
            }
        };
    }

    static InputStream fixed(InputStream in, long length, Release release) {
        return new Framed(in, release) {
            private long remaining = length;

            @Override
            int readFramed(byte[] b, int off, int len) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("connection closed with " + remaining + " of " + length
                            + " body bytes still to come");
                }
                remaining -= n;
                return n;
            }

            @Override
            boolean finished() {
                return remaining == 0;
            }
        };
    }

    static InputStream chunked(InputStream in, Release release) {
        return new Framed(in, release) {
            private long chunkLeft;
            private boolean done;

            @Override
            int readFramed(byte[] b, int off, int len) throws IOException {
                if (done) {
                    return -1;
                }
                if (chunkLeft == 0) {
                    chunkLeft = nextChunkSize();
                    if (chunkLeft == 0) {
                        skipTrailers();
                        done = true;
                        return -1;
                    }
                }
                int n = in.read(b, off, (int) Math.min(len, chunkLeft));
                if (n < 0) {
                    throw new EOFException("connection closed inside a chunk");
                }
                chunkLeft -= n;
                if (chunkLeft == 0) {
                    readLine();
                }
                return n;
            }

            private long nextChunkSize() throws IOException {
                String line = readLine();
                int extension = line.indexOf(';');
                String hex = (extension >= 0 ? line.substring(0, extension) : line).trim();
                try {
                    long size = Long.parseLong(hex, 16);
                    if (size < 0) {
                        throw new NumberFormatException();
                    }
                    return size;
                } catch (NumberFormatException e) {
                    throw new IOException("malformed chunk size \"" + line + "\"");
                }
            }

            private void skipTrailers() throws IOException {
                while (!readLine().isEmpty()) {
                    // trailers carry nothing we use
                }
            }

            private String readLine() throws IOException {
                return Lines.read(in, 8 * 1024);
            }

            @Override
            boolean finished() {
                return done;
            }
        };
    }

    static InputStream untilClose(InputStream in, Release release) {
        return new Framed(in, release) {
            @Override
            int readFramed(byte[] b, int off, int len) throws IOException {
                return in.read(b, off, len);
            }

            @Override
            boolean finished() {
                return false;
            }
        };
    }

    /** Reading CRLF-terminated header and chunk lines with a length cap. */
    static final class Lines {
        private Lines() {
        }

        static String read(InputStream in, int cap) throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new EOFException("connection closed in the middle of a line");
                }
                if (c == '\n') {
                    int end = line.length();
                    if (end > 0 && line.charAt(end - 1) == '\r') {
                        line.setLength(end - 1);
                    }
                    return line.toString();
                }
                if (line.length() >= cap) {
                    throw new IOException("HTTP line longer than " + cap + " bytes");
                }
                line.append((char) c);
            }
        }

        static String latin1(byte[] bytes) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    private abstract static class Framed extends InputStream {
        final InputStream in;
        private final Release release;
        private boolean closed;

        Framed(InputStream in, Release release) {
            this.in = in;
            this.release = release;
        }

        abstract int readFramed(byte[] b, int off, int len) throws IOException;

        abstract boolean finished();

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("body already closed");
            }
            if (len == 0) {
                return 0;
            }
            try {
                return readFramed(b, off, len);
            } catch (IOException e) {
                closed = true;
                release.release(false);
                throw e;
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            boolean reusable = finished() || drained();
            release.release(reusable);
        }

        /** Skips a small unread rest so the connection can be kept. */
        private boolean drained() {
            byte[] scratch = new byte[8 * 1024];
            long skipped = 0;
            try {
                while (skipped <= DRAIN_LIMIT) {
                    int n = readFramed(scratch, 0, scratch.length);
                    if (n < 0) {
                        return finished();
                    }
                    skipped += n;
                }
            } catch (IOException e) {
                return false;
            }
            return false;
        }
    }
}
