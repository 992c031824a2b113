package dev.cortado.hack.image;

import java.util.List;

/** A multi-platform index pushed to a test registry and the per-platform images it lists. */
public record TestIndex(String hostPort, String repository, String tag, String digest, String mediaType,
                        List<TestImage> images, BuiltIndex index) {
    public TestIndex {
        images = List.copyOf(images);
    }

    public String reference() {
        return hostPort + "/" + repository + ":" + tag;
    }

    public String digestReference() {
        return hostPort + "/" + repository + "@" + digest;
    }

    /** The image for an architecture ({@code amd64}, {@code arm64}). */
    public TestImage forArchitecture(String architecture) {
        return images.stream().filter(image -> image.platform().architecture().equals(architecture)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("index " + reference() + " has no " + architecture + " image"));
    }
}
