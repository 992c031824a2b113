package dev.cortado.runtime.streaming.spdy;

import java.util.Map;

/** The SPDY/3.1 frames a streaming connection exchanges (draft 3.1, sections 2.2 and 2.6). */
public sealed interface SpdyFrame {

    int VERSION = 3;

    /** Bytes of a stream: {@code fin} half-closes the sender's side. */
    record Data(int streamId, boolean fin, byte[] data) implements SpdyFrame {
    }

    /** Opens a stream; the headers (lower-case names) say what it is for. */
    record SynStream(int streamId, int associatedId, int priority, boolean fin, boolean unidirectional,
                     Map<String, String> headers) implements SpdyFrame {
        public SynStream {
            headers = Map.copyOf(headers);
        }
    }

    /** Accepts a stream opened by the peer. */
    record SynReply(int streamId, boolean fin, Map<String, String> headers) implements SpdyFrame {
        public SynReply {
            headers = Map.copyOf(headers);
        }
    }

    record Headers(int streamId, boolean fin, Map<String, String> headers) implements SpdyFrame {
        public Headers {
            headers = Map.copyOf(headers);
        }
    }

    /** Aborts a stream; status codes per draft 3.1 section 2.6.3. */
    record RstStream(int streamId, int status) implements SpdyFrame {
        public static final int PROTOCOL_ERROR = 1;
        public static final int INVALID_STREAM = 2;
        public static final int REFUSED_STREAM = 3;
        public static final int CANCEL = 5;
        public static final int INTERNAL_ERROR = 6;
        public static final int STREAM_IN_USE = 8;
    }

    /** Settings id to value; the flags of each entry are not kept. */
    record Settings(Map<Integer, Integer> values) implements SpdyFrame {
        public Settings {
            values = Map.copyOf(values);
        }
    }

    record Ping(int id) implements SpdyFrame {
    }

    record GoAway(int lastGoodStreamId, int status) implements SpdyFrame {
    }

    record WindowUpdate(int streamId, int delta) implements SpdyFrame {
    }
}
