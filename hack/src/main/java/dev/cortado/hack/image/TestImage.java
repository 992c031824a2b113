package dev.cortado.hack.image;

import java.util.List;

/**
 * An image pushed to a test registry, with the exact values a test can assert.
 * {@code tag} is null for images pushed by digest only (the children of an index).
 */
public record TestImage(String hostPort, String repository, String tag, String manifestDigest,
                        String manifestMediaType, String configDigest, List<String> layerDigests,
                        List<String> diffIds, Platform platform, BuiltImage image) {
    public TestImage {
        layerDigests = List.copyOf(layerDigests);
        diffIds = List.copyOf(diffIds);
    }

    static TestImage of(String hostPort, String repository, String tag, BuiltImage image) {
        return new TestImage(hostPort, repository, tag, image.manifestDigest(), image.manifestMediaType(),
                image.configDigest(), image.layerDigests(), image.diffIds(), image.platform(), image);
    }

    /** {@code 127.0.0.1:NNNN/repo:tag}, or the digest reference when there is no tag. */
    public String reference() {
        return tag == null ? digestReference() : hostPort + "/" + repository + ":" + tag;
    }

    /** {@code 127.0.0.1:NNNN/repo@sha256:...}. */
    public String digestReference() {
        return hostPort + "/" + repository + "@" + manifestDigest;
    }

    /** The image ID: the config digest. */
    public String imageId() {
        return configDigest;
    }
}
