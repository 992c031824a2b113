package dev.cortado.shim;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One proto-v1 exchange on its own connection: a request line out, a reply line (and for EXEC a
 * byte stream) in. The channel is non-blocking under a selector so that every read and write
 * obeys a deadline; a shim that stops answering costs the caller a timeout, not a thread.
 */
final class ShimConnection implements AutoCloseable {
    /** Replies are short; a longer line is a broken shim, not a message to buffer. */
    static final int MAX_LINE = 8192;
    /** Deadline meaning "wait as long as it takes" (WAIT). */
    static final long NO_DEADLINE = Long.MAX_VALUE;

    private final Path socket;
    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(16384).flip();

    private ShimConnection(Path socket, SocketChannel channel, Selector selector) {
        this.socket = socket;
        this.channel = channel;
        this.selector = selector;
    }

    /** Connects; a missing socket or a refused connection means the shim is gone. */
    static ShimConnection open(Path socket) throws ShimException {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            Selector selector = Selector.open();
            channel.register(selector, 0);
            return new ShimConnection(socket, channel, selector);
        } catch (IOException e) {
            closeQuietly(channel);
            if (e instanceof ConnectException || !Files.exists(socket)) {
                throw new ShimGoneException("shim socket " + socket + ": " + reason(e), e);
            }
            throw new ShimException("connect " + socket, reason(e), e);
        }
    }

    /** Writes one request line ({@code \n} added). */
    void send(String request, long deadline) throws ShimException {
        ByteBuffer out = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    await(SelectionKey.OP_WRITE, deadline, request);
                }
            }
        } catch (IOException e) {
            throw gone("sending " + verb(request), e);
        }
    }

    /** The next line without its {@code \n}; the shim closing first means it died. */
    String readLine(String request, long deadline) throws ShimException {
        byte[] bytes = new byte[MAX_LINE];
        int length = 0;
        while (true) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    return new String(bytes, 0, length, StandardCharsets.UTF_8);
                }
                if (length == MAX_LINE) {
                    throw new ShimException("protocol", "the reply to " + verb(request) + " is longer than "
                            + MAX_LINE + " bytes");
                }
                bytes[length++] = b;
            }
            if (!fill(request, deadline)) {
                throw new ShimGoneException("shim " + socket + " closed the connection before replying to "
                        + verb(request) + (length > 0 ? " (partial reply \""
                        + new String(bytes, 0, length, StandardCharsets.UTF_8) + "\")" : ""), null);
            }
        }
    }

    /** Exactly {@code count} bytes of a stream that follows a reply line. */
    byte[] readExactly(int count, String request, long deadline) throws ShimException {
        byte[] bytes = new byte[count];
        int have = 0;
        while (have < count) {
            if (!in.hasRemaining() && !fill(request, deadline)) {
                throw new ShimGoneException("shim " + socket + " closed the connection after " + have + " of "
                        + count + " bytes of the " + verb(request) + " output", null);
            }
            int n = Math.min(in.remaining(), count - have);
            in.get(bytes, have, n);
            have += n;
        }
        return bytes;
    }

    /** Reads more into the buffer; false at end of stream. */
    private boolean fill(String request, long deadline) throws ShimException {
        in.compact();
        try {
            while (true) {
                int n = channel.read(in);
                if (n < 0) {
                    return false;
                }
                if (n > 0) {
                    return true;
                }
                await(SelectionKey.OP_READ, deadline, request);
            }
        } catch (IOException e) {
            throw e instanceof ShimException shim ? shim : gone("reading the reply to " + verb(request), e);
        } finally {
            in.flip();
        }
    }

    private void await(int op, long deadline, String request) throws ShimException {
        SelectionKey key = channel.keyFor(selector);
        key.interestOps(op);
        try {
            while (true) {
                long left = deadline == NO_DEADLINE ? 0 : deadline - System.nanoTime();
                if (deadline != NO_DEADLINE && left <= 0) {
                    throw new ShimException("timeout", "shim " + socket + " did not answer " + verb(request)
                            + " in time");
                }
                int ready = deadline == NO_DEADLINE ? selector.select() : selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
                if (Thread.currentThread().isInterrupted()) {
                    throw new ShimException("interrupted", "stopped waiting for shim " + socket + " to answer "
                            + verb(request));
                }
                if (ready > 0) {
                    return;
                }
            }
        } catch (IOException e) {
            throw e instanceof ShimException shim ? shim : gone("waiting for the reply to " + verb(request), e);
        } finally {
            if (key.isValid()) {
                key.interestOps(0);
            }
        }
    }

    /**
     * Ends the request/reply phase of a streaming verb: the channel, now blocking and no longer
     * owned by this connection, and the bytes already read past the reply line.
     */
    SocketChannel handOver(String request) throws ShimException {
        try {
            selector.close();
            channel.configureBlocking(true);
            return channel;
        } catch (IOException e) {
            close();
            throw gone("switching " + verb(request) + " to streaming", e);
        }
    }

    /** What was read past the reply line (the first frames), for {@link #handOver}. */
    ByteBuffer leftover() {
        return in.slice();
    }

    /** A reset or broken connection mid-request: the shim died under us. */
    private ShimGoneException gone(String doing, IOException e) {
        return new ShimGoneException("shim " + socket + " went away while " + doing + ": " + reason(e), e);
    }

    @Override
    public void close() {
        closeQuietly(selector);
        closeQuietly(channel);
    }

    private static String verb(String request) {
        int space = request.indexOf(' ');
        return space < 0 ? request : request.substring(0, space);
    }

    static String reason(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing what already failed; the first error is the one reported
            }
        }
    }
}
