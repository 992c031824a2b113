package dev.cortado.image.manifest;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The media types cortado understands, and which kind of object each names. */
public final class MediaTypes {

    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    public static final String OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String OCI_LAYER_TAR_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
    public static final String OCI_LAYER_NONDISTRIBUTABLE_TAR =
            "application/vnd.oci.image.layer.nondistributable.v1.tar";
    public static final String OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP =
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    public static final String OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD =
            "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER_TAR_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public static final String DOCKER_LAYER_FOREIGN_TAR_GZIP =
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

    /** Schema 1 is only named so that it can be recognised and refused with a clear message. */
    public static final String DOCKER_SCHEMA1_MANIFEST = "application/vnd.docker.distribution.manifest.v1+json";
    public static final String DOCKER_SCHEMA1_SIGNED_MANIFEST =
            "application/vnd.docker.distribution.manifest.v1+prettyjws";

    /** Content types that say nothing; the body's own fields decide. */
    private static final Set<String> GENERIC = Set.of(
            "", "application/json", "application/octet-stream", "text/plain", "binary/octet-stream");

    private static final Set<String> INDEXES = Set.of(OCI_INDEX, DOCKER_MANIFEST_LIST);
    private static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    private static final Set<String> SCHEMA1 = Set.of(DOCKER_SCHEMA1_MANIFEST, DOCKER_SCHEMA1_SIGNED_MANIFEST);
    private static final Set<String> CONFIGS = Set.of(OCI_CONFIG, DOCKER_CONFIG);
    private static final Set<String> LAYERS = Set.of(
            OCI_LAYER_TAR, OCI_LAYER_TAR_GZIP, OCI_LAYER_TAR_ZSTD,
            OCI_LAYER_NONDISTRIBUTABLE_TAR, OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP, OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD,
            DOCKER_LAYER_TAR_GZIP, DOCKER_LAYER_FOREIGN_TAR_GZIP);
    private static final Set<String> NON_DISTRIBUTABLE = Set.of(
            OCI_LAYER_NONDISTRIBUTABLE_TAR, OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP, OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD,
            DOCKER_LAYER_FOREIGN_TAR_GZIP);

    /** The manifest Accept list, most preferred first; schema 1 last so it is only sent as a fallback. */
    public static final List<String> MANIFEST_ACCEPT = List.of(
            OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST,
            DOCKER_SCHEMA1_SIGNED_MANIFEST, DOCKER_SCHEMA1_MANIFEST);

    /** How a layer's bytes are compressed. */
    public enum Compression { NONE, GZIP, ZSTD }

    private MediaTypes() {
    }

    /** The bare media type of an HTTP Content-Type: parameters dropped, lower case. */
    public static String normalise(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        String bare = semicolon >= 0 ? contentType.substring(0, semicolon) : contentType;
        return bare.strip().toLowerCase(Locale.ROOT);
    }

    public static boolean isGeneric(String mediaType) {
        return GENERIC.contains(normalise(mediaType));
    }

    public static boolean isIndex(String mediaType) {
        return INDEXES.contains(normalise(mediaType));
    }

    public static boolean isManifest(String mediaType) {
        return MANIFESTS.contains(normalise(mediaType));
    }

    public static boolean isSchema1(String mediaType) {
        return SCHEMA1.contains(normalise(mediaType));
    }

    public static boolean isConfig(String mediaType) {
        return CONFIGS.contains(normalise(mediaType));
    }

    public static boolean isLayer(String mediaType) {
        return LAYERS.contains(normalise(mediaType));
    }

    /** Layers that registries may decline to host; their descriptors carry {@code urls}. */
    public static boolean isNonDistributable(String mediaType) {
        return NON_DISTRIBUTABLE.contains(normalise(mediaType));
    }

    /** The compression of a layer media type this class accepts. */
    public static Compression layerCompression(String mediaType) {
        String bare = normalise(mediaType);
        if (!LAYERS.contains(bare)) {
            throw new IllegalArgumentException("unsupported layer media type \"" + mediaType + "\"");
        }
        if (bare.endsWith("gzip")) {
            return Compression.GZIP;
        }
        return bare.endsWith("zstd") ? Compression.ZSTD : Compression.NONE;
    }
}
