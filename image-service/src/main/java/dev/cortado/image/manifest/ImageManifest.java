package dev.cortado.image.manifest;

import java.util.List;
import java.util.Objects;

/** An OCI image manifest or Docker schema 2 manifest: one config blob and the layers, bottom first. */
public record ImageManifest(String mediaType, Descriptor config, List<Descriptor> layers) implements ParsedManifest {

    public ImageManifest {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(config, "config");
        layers = List.copyOf(layers);
    }

    /** Bytes to download for this image: the config and every layer, as the descriptors declare. */
    public long totalSize() {
        long total = config.size();
        for (Descriptor layer : layers) {
            total += layer.size();
        }
        return total;
    }
}
