package dev.cortado.shim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ShimStream} over a blocking control connection that already got its {@code OK}. The
 * channel is used directly, never through Channels.newInputStream/newOutputStream: those lock
 * the channel's blocking lock for a whole read, which would stall a writer on another thread.
 */
final class FramedShimStream implements ShimStream {
    private final String what;
    private final SocketChannel channel;
    private ByteBuffer in;
    private final Object writeLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile OptionalInt exitCode = OptionalInt.empty();
    private boolean ended;

    /**
     * @param what     names the stream in errors ({@code exec in shim /run/x.sock})
     * @param leftover bytes already read past the reply line
     */
    FramedShimStream(String what, SocketChannel channel, ByteBuffer leftover) {
        this.what = what;
        this.channel = channel;
        this.in = ByteBuffer.allocate(Math.max(64 * 1024, leftover.remaining()));
        in.put(leftover).flip();
    }

    @Override
    public void writeStdin(byte[] data, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, data.length);
        synchronized (writeLock) {
            for (int done = 0; done < length; ) {
                int n = Math.min(StreamFrame.MAX_STDIN_PAYLOAD, length - done);
                sendFrame(StreamFrame.STDIN, ByteBuffer.wrap(data, offset + done, n));
                done += n;
            }
        }
    }

    @Override
    public void closeStdin() throws IOException {
        synchronized (writeLock) {
            sendFrame(StreamFrame.STDIN, ByteBuffer.allocate(0));
        }
    }

    @Override
    public void resize(int columns, int rows) throws IOException {
        if (columns < 0 || columns > 0xffff || rows < 0 || rows > 0xffff) {
            throw new IllegalArgumentException("terminal size " + columns + "x" + rows + " is outside 0..65535");
        }
        ByteBuffer size = ByteBuffer.allocate(4).putShort((short) columns).putShort((short) rows).flip();
        synchronized (writeLock) {
            sendFrame(StreamFrame.RESIZE, size);
        }
    }

    private void sendFrame(int stream, ByteBuffer payload) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(StreamFrame.HEADER).put((byte) stream)
                .putInt(payload.remaining()).flip();
        ByteBuffer[] frame = {header, payload};
        try {
            while (header.hasRemaining() || payload.hasRemaining()) {
                channel.write(frame);
            }
        } catch (ClosedChannelException e) {
            throw new IOException(what + " is closed", e);
        } catch (IOException e) {
            throw new IOException(what + ": the shim closed the connection (" + ShimConnection.reason(e) + ")", e);
        }
    }

    @Override
    public Output read() throws IOException {
        while (!ended) {
            if (!fill(StreamFrame.HEADER)) {
                return end();
            }
            int stream = in.get(in.position()) & 0xff;
            int length = in.getInt(in.position() + 1);
            if (length < 0 || length > StreamFrame.MAX_OUTPUT_PAYLOAD) {
                throw new ShimException("protocol", what + ": frame of " + Integer.toUnsignedString(length)
                        + " bytes on stream " + stream);
            }
            if (!fill(StreamFrame.HEADER + length)) {
                return end();
            }
            in.position(in.position() + StreamFrame.HEADER);
            byte[] data = new byte[length];
            in.get(data);
            if (stream == StreamFrame.EXIT) {
                if (length != 4) {
                    throw new ShimException("protocol", what + ": exit frame of " + length + " bytes");
                }
                exitCode = OptionalInt.of(ByteBuffer.wrap(data).getInt());
                return end();
            }
            if (stream != STDOUT && stream != STDERR) {
                throw new ShimException("protocol", what + ": unexpected frame on stream " + stream);
            }
            if (length > 0) {
                return new Output(stream, data);
            }
        }
        return null;
    }

    private Output end() {
        ended = true;
        return null;
    }

    /** Makes at least {@code count} bytes readable; false when the connection ended first. */
    private boolean fill(int count) throws IOException {
        if (in.remaining() >= count) {
            return true;
        }
        if (in.capacity() < count) {
            in = ByteBuffer.allocate(count).put(in).flip();
        }
        ByteBuffer buffer = in;
        buffer.compact();
        try {
            while (buffer.position() < count) {
                if (channel.read(buffer) < 0) {
                    return false;
                }
            }
            return true;
        } catch (ClosedChannelException e) {
            return false;
        } catch (IOException e) {
            if (closed.get()) {
                return false;
            }
            throw new IOException(what + ": the connection to the shim broke (" + ShimConnection.reason(e) + ")", e);
        } finally {
            buffer.flip();
        }
    }

    @Override
    public OptionalInt exitCode() {
        return exitCode;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do: the shim sees the connection go either way
            }
        }
    }

    @Override
    public String toString() {
        return what + (closed.get() ? " (closed)" : "") + (exitCode.isPresent()
                ? " (exited " + exitCode.getAsInt() + ")" : "");
    }
}
