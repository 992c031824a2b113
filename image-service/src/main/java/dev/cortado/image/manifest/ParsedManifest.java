package dev.cortado.image.manifest;

/** What a manifest fetch can yield: an index of per-platform manifests, or one image manifest. */
public sealed interface ParsedManifest permits ImageIndex, ImageManifest {

    /** The media type that decided how the body was read. */
    String mediaType();
}
