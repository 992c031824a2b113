package dev.cortado.hack.image;

import java.util.List;

/** An OCI index or Docker manifest list and the images it points to. */
public record BuiltIndex(ManifestFormat format, BytesBlob index, List<BuiltImage> images) {
    public BuiltIndex {
        images = List.copyOf(images);
    }

    public String digest() {
        return index.digest();
    }

    public String mediaType() {
        return index.mediaType();
    }
}
