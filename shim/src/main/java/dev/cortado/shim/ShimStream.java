package dev.cortado.shim;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * A live ATTACH or EXEC_STREAM connection to a shim (shim/PROTOCOL.md section 3): the process's
 * output as it is written, its stdin, its terminal size, and how it ended.
 *
 * <p>One thread may {@link #read()} while another writes stdin or resizes; writes are serialized
 * among themselves. Interrupting a thread blocked in a call closes the stream (the channel is
 * interruptible), as {@link #close()} does.
 */
public interface ShimStream extends AutoCloseable {
    /** Stream number of stdout chunks. */
    int STDOUT = 1;
    /** Stream number of stderr chunks. */
    int STDERR = 2;

    /** A chunk of output; {@code stream} 1 = stdout, 2 = stderr (with a tty everything is stdout). */
    record Output(int stream, byte[] data) {}

    void writeStdin(byte[] data, int offset, int length) throws IOException;

    /** The process reads end of file (for an attach: see STDIN_ONCE in PROTOCOL.md). */
    void closeStdin() throws IOException;

    void resize(int columns, int rows) throws IOException;

    /** Blocks for the next chunk of output; null once the process ended (or the attach was closed). */
    Output read() throws IOException;

    /** After read() returned null: the exit code when the process (exec, or the attached container) ended; empty otherwise. */
    OptionalInt exitCode();

    /** Idempotent; for exec it also makes the shim kill the exec's processes. */
    @Override
    void close();
}
