package dev.cortado.runtime.streaming.spdy;

/** The peer broke SPDY framing; the connection cannot continue. */
public final class SpdyProtocolException extends Exception {
    public SpdyProtocolException(String message) {
        super(message);
    }
}
