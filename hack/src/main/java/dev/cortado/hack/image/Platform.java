package dev.cortado.hack.image;

import java.util.Objects;

/** An image's os/architecture[/variant], as in configs and index entries. */
public record Platform(String os, String architecture, String variant) {
    public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", null);
    public static final Platform LINUX_ARM64_V8 = new Platform("linux", "arm64", "v8");

    public Platform {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(architecture, "architecture");
    }

    /** {@code linux/arm64/v8} or {@code linux/amd64}. */
    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
