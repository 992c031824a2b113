package dev.cortado.runtime.streaming.spdy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One stream the client opened on a SPDY connection, as the stream handlers see it: its headers,
 * and writes that may come from any thread (netty keeps one thread's writes in order).
 */
public final class SpdyStream {

    /** spdystream reads at most this much per DATA frame; larger writes are split. */
    static final int MAX_DATA = 32 * 1024;

    private final int id;
    private final Map<String, String> headers;
    private final Channel channel;
    private final AtomicBoolean closed = new AtomicBoolean();

    SpdyStream(int id, Map<String, String> headers, Channel channel) {
        this.id = id;
        this.headers = headers;
        this.channel = channel;
    }

    public int id() {
        return id;
    }

    public String header(String name) {
        return headers.getOrDefault(name, "");
    }

    public String type() {
        return header("streamtype");
    }

    /**
     * Sends bytes; waits while the connection's outbound buffer is full so a fast producer on
     * a worker thread cannot outrun a slow client (never call with a full buffer on the event loop).
     */
    public void write(byte[] data, int offset, int length) {
        for (int at = offset; at < offset + length; at += MAX_DATA) {
            int n = Math.min(MAX_DATA, offset + length - at);
            byte[] piece = new byte[n];
            System.arraycopy(data, at, piece, 0, n);
            ChannelFuture written = channel.writeAndFlush(new SpdyFrame.Data(id, false, piece));
            if (!channel.isWritable() && !channel.eventLoop().inEventLoop()) {
                written.awaitUninterruptibly();
            }
        }
    }

    public void write(byte[] data) {
        write(data, 0, data.length);
    }

    /** Half-closes our side: the client reads end of stream. */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            channel.writeAndFlush(new SpdyFrame.Data(id, true, new byte[0]));
        }
    }

    /** Whether this end has sent its FIN or a reset. */
    boolean closedByUs() {
        return closed.get();
    }

    public void reset() {
        if (closed.compareAndSet(false, true)) {
            channel.writeAndFlush(new SpdyFrame.RstStream(id, SpdyFrame.RstStream.CANCEL));
        }
    }
}
