package dev.cortado.runtime.streaming;

/**
 * Where a session's output goes, in the framing of the client's protocol. Called from the
 * session's reader thread, never from an event loop, so implementations may wait for a slow client.
 */
public interface OutputSink {

    void stdout(byte[] data);

    void stderr(byte[] data);

    /** The last call: sends the exit status and ends the connection. */
    void finish(ExitStatus status);
}
