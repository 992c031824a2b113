package dev.cortado.hack.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of a regular file entry. Content is produced when the layer is written, so large
 * layers can stream from files or generators instead of holding everything in memory.
 */
public interface EntryContent {
    EntryContent EMPTY = of(new byte[0]);

    long size();

    void writeTo(OutputStream out) throws IOException;

    static EntryContent of(byte[] bytes) {
        return new Bytes(bytes.clone());
    }

    static EntryContent of(String utf8) {
        return new Bytes(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** The file's current bytes; its size is taken now and must not change before the layer is built. */
    static EntryContent ofFile(Path file) {
        try {
            return new FromFile(file, Files.size(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read size of " + file + ": " + e.getMessage(), e);
        }
    }

    /** In-memory content. */
    record Bytes(byte[] bytes) implements EntryContent {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            out.write(bytes);
        }
    }

    /** Content copied from a file when the layer is written. */
    record FromFile(Path file, long size) implements EntryContent {
        @Override
        public void writeTo(OutputStream out) throws IOException {
            try (InputStream in = Files.newInputStream(file)) {
                long copied = in.transferTo(out);
                if (copied != size) {
                    throw new IOException(file + " changed size from " + size + " to " + copied + " bytes while building a layer");
                }
            }
        }
    }
}
