package dev.cortado.hack.image;

/** Which family of media types an image's manifest, config and layers use. */
public enum ManifestFormat {
    OCI(MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX, MediaTypes.OCI_CONFIG),
    DOCKER(MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_CONFIG);

    private final String manifestMediaType;
    private final String indexMediaType;
    private final String configMediaType;

    ManifestFormat(String manifestMediaType, String indexMediaType, String configMediaType) {
        this.manifestMediaType = manifestMediaType;
        this.indexMediaType = indexMediaType;
        this.configMediaType = configMediaType;
    }

    public String manifestMediaType() {
        return manifestMediaType;
    }

    /** The OCI index or the Docker manifest list type. */
    public String indexMediaType() {
        return indexMediaType;
    }

    public String configMediaType() {
        return configMediaType;
    }

    /** The layer media type for a compression; Docker schema 2 has no zstd type. */
    public String layerMediaType(Compression compression) {
        if (this == OCI) {
            return switch (compression) {
                case NONE -> MediaTypes.OCI_LAYER;
                case GZIP -> MediaTypes.OCI_LAYER_GZIP;
                case ZSTD -> MediaTypes.OCI_LAYER_ZSTD;
            };
        }
        return switch (compression) {
            case NONE -> MediaTypes.DOCKER_LAYER;
            case GZIP -> MediaTypes.DOCKER_LAYER_GZIP;
            case ZSTD -> throw new IllegalArgumentException(
                    "Docker schema 2 has no media type for zstd layers; build the image as OCI "
                            + "or give the layer an explicit media type with Layer.withMediaType");
        };
    }
}
