package dev.cortado.runtime.streaming.spdy;

/** What a SPDY connection serves (exec, attach or port-forward): told of streams and their data. */
public interface SpdyStreamListener {

    /** Called on the event loop after the stream was accepted. */
    void opened(SpdyStream stream);

    void data(SpdyStream stream, byte[] data);

    /** The client half-closed the stream (sent FIN). */
    void remoteClosed(SpdyStream stream);

    /** The client reset the stream. */
    void reset(SpdyStream stream);

    /** The client connection's outbound buffer filled up (false) or drained (true). */
    default void writable(boolean writable) {
    }

    /** The connection is gone; release everything. */
    void connectionClosed();
}
