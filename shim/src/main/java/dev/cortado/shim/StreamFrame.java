package dev.cortado.shim;

/**
 * Frame layout of the streaming verbs (ATTACH, EXEC_STREAM): a stream id byte, a big-endian u32
 * payload length, the payload.
 */
final class StreamFrame {
    static final int HEADER = 5;
    /** Client to shim: stdin bytes; an empty payload closes stdin. */
    static final int STDIN = 0;
    /** Shim to client: the process ended; payload is its exit code, big-endian i32. */
    static final int EXIT = 3;
    /** Client to shim: terminal size, big-endian u16 columns then u16 rows. */
    static final int RESIZE = 4;
    /** Stdin is sent in frames of at most this many bytes (the shim refuses frames over 64 KiB). */
    static final int MAX_STDIN_PAYLOAD = 32 * 1024;
    /** The shim sends chunks of at most 8 KiB; anything much larger is a broken stream. */
    static final int MAX_OUTPUT_PAYLOAD = 1 << 20;

    private StreamFrame() {
    }
}
