package dev.cortado.runtime.oci;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a container gets one namespace: the host's (nothing to do), the pod's or another
 * container's (join the pinned file at {@code path}), or a new one of its own.
 */
public record NamespaceSetting(Sharing sharing, Path path) {

    public enum Sharing { HOST, JOIN, NEW }

    public NamespaceSetting {
        Objects.requireNonNull(sharing, "sharing");
        if ((sharing == Sharing.JOIN) != (path != null)) {
            throw new IllegalArgumentException("a namespace is joined through a path, and only then: "
                    + sharing + " " + path);
        }
    }

    public static NamespaceSetting host() {
        return new NamespaceSetting(Sharing.HOST, null);
    }

    public static NamespaceSetting join(Path path) {
        return new NamespaceSetting(Sharing.JOIN, path);
    }

    public static NamespaceSetting fresh() {
        return new NamespaceSetting(Sharing.NEW, null);
    }
}
