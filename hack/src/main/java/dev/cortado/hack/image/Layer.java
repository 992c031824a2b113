package dev.cortado.hack.image;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A built layer blob: {@code digest} and {@code size} of the compressed bytes the registry stores,
 * {@code diffId} and {@code uncompressedSize} of the tar inside. The bytes live either in memory
 * ({@code data}) or in {@code file}. {@code mediaType} is null unless set explicitly, in which case it
 * overrides the type the manifest format would pick.
 */
public record Layer(Compression compression, String digest, long size, String diffId, long uncompressedSize,
                    byte[] data, Path file, String mediaType) implements Blob {

    public Layer {
        if ((data == null) == (file == null)) {
            throw new IllegalArgumentException("a layer is stored either in memory or in a file");
        }
    }

    /** The media type this layer gets in a manifest of the given format. */
    public String mediaTypeFor(ManifestFormat format) {
        return mediaType != null ? mediaType : format.layerMediaType(compression);
    }

    /** The same bytes announced under another media type (for odd or deliberately wrong manifests). */
    public Layer withMediaType(String newMediaType) {
        return new Layer(compression, digest, size, diffId, uncompressedSize, data, file, newMediaType);
    }

    @Override
    public InputStream open() throws IOException {
        return data != null ? new ByteArrayInputStream(data) : Files.newInputStream(file);
    }

    /** The compressed bytes; reads the file for file-backed layers. */
    public byte[] bytes() {
        if (data != null) {
            return data.clone();
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read layer " + digest + " from " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Layer[" + digest + ", " + size + " bytes " + compression + ", diffId " + diffId + "]";
    }
}
