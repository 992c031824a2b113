package dev.cortado.hack.image;

import java.util.List;

/**
 * A single-platform image ready to push: its config blob, layers and manifest.
 * {@code diffIds} are the ones written into the config (normally the layers' diff_ids).
 */
public record BuiltImage(ManifestFormat format, Platform platform, BytesBlob config, List<Layer> layers,
                         List<String> diffIds, BytesBlob manifest) {
    public BuiltImage {
        layers = List.copyOf(layers);
        diffIds = List.copyOf(diffIds);
    }

    /** The image ID: the config's digest. */
    public String configDigest() {
        return config.digest();
    }

    public String manifestDigest() {
        return manifest.digest();
    }

    public String manifestMediaType() {
        return manifest.mediaType();
    }

    public List<String> layerDigests() {
        return layers.stream().map(Layer::digest).toList();
    }
}
