package dev.cortado.shim;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * TEMPORARY copy of the interface h-streamshim provides, so the streaming server compiles before
 * that branch is merged; delete on merge.
 */
public interface ShimStream extends AutoCloseable {
    record Output(int stream, byte[] data) {
    }

    void writeStdin(byte[] data, int offset, int length) throws IOException;

    void closeStdin() throws IOException;

    void resize(int columns, int rows) throws IOException;

    Output read() throws IOException;

    OptionalInt exitCode();

    @Override
    void close();
}
