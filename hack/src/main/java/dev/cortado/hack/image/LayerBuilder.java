package dev.cortado.hack.image;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Collects tar entries in order and writes them as a layer, computing the compressed digest and
 * the diff_id (sha256 of the uncompressed tar) in the same pass. Output is reproducible: the same
 * entries give the same bytes within one JVM (gzip output may differ between zlib builds).
 */
public final class LayerBuilder {
    private final List<LayerEntry> entries = new ArrayList<>();

    public LayerBuilder add(LayerEntry entry) {
        entries.add(entry);
        return this;
    }

    public LayerBuilder addAll(Collection<LayerEntry> more) {
        entries.addAll(more);
        return this;
    }

    public LayerBuilder dir(String name, int mode) {
        return add(LayerEntry.dir(name).withMode(mode));
    }

    public LayerBuilder file(String name, String utf8, int mode) {
        return add(LayerEntry.file(name, utf8).withMode(mode));
    }

    public LayerBuilder file(String name, byte[] content, int mode) {
        return add(LayerEntry.file(name, content).withMode(mode));
    }

    public LayerBuilder symlink(String name, String target) {
        return add(LayerEntry.symlink(name, target));
    }

    public LayerBuilder hardlink(String name, String target) {
        return add(LayerEntry.hardlink(name, target));
    }

    public LayerBuilder fifo(String name, int mode) {
        return add(LayerEntry.fifo(name).withMode(mode));
    }

    /** Deletes {@code path} of lower layers ({@code .wh.} file). */
    public LayerBuilder whiteout(String path) {
        return add(LayerEntry.whiteout(path));
    }

    /** Hides lower layers' content of {@code dir} ({@code .wh..wh..opq}). */
    public LayerBuilder opaque(String dir) {
        return add(LayerEntry.opaque(dir));
    }

    public List<LayerEntry> entries() {
        return List.copyOf(entries);
    }

    /** The uncompressed tar. */
    public byte[] tar() {
        return build(Compression.NONE).bytes();
    }

    /** Builds the layer in memory. */
    public Layer build(Compression compression) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        Sums sums = write(compression, sink);
        return new Layer(compression, sums.digest, sums.size, sums.diffId, sums.uncompressedSize,
                sink.toByteArray(), null, null);
    }

    /** Builds the layer into {@code file} (created or replaced), for layers too big to hold in memory. */
    public Layer buildToFile(Compression compression, Path file) {
        try (OutputStream sink = new BufferedOutputStream(Files.newOutputStream(file), 256 * 1024)) {
            Sums sums = write(compression, sink);
            sink.flush();
            return new Layer(compression, sums.digest, sums.size, sums.diffId, sums.uncompressedSize, null, file, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write layer to " + file + ": " + e.getMessage(), e);
        }
    }

    private Sums write(Compression compression, OutputStream sink) {
        DigestingOutputStream compressed = new DigestingOutputStream(new NonClosing(sink));
        DigestingOutputStream uncompressed;
        try {
            OutputStream compressor = compression.wrap(compressed);
            uncompressed = new DigestingOutputStream(compressor);
            try (TarWriter tar = new TarWriter(uncompressed)) {
                for (LayerEntry entry : entries) {
                    try {
                        tar.write(entry);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("cannot write tar entry \"" + entry.name() + "\": "
                                + e.getMessage(), e);
                    }
                }
                tar.finish();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build layer: " + e.getMessage(), e);
        }
        return new Sums(compressed.digest(), compressed.count(), uncompressed.digest(), uncompressed.count());
    }

    private record Sums(String digest, long size, String diffId, long uncompressedSize) {
    }

    /** Closing the compressor must finish it but leave the caller's sink open. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
