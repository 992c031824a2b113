package dev.cortado.image.manifest;

import java.util.List;
import java.util.Objects;

/** An OCI image index or Docker manifest list: manifests for several platforms. */
public record ImageIndex(String mediaType, List<Descriptor> manifests) implements ParsedManifest {

    public ImageIndex {
        Objects.requireNonNull(mediaType, "mediaType");
        manifests = List.copyOf(manifests);
    }
}
