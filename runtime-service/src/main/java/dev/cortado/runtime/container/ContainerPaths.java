package dev.cortado.runtime.container;

import java.nio.file.Path;

/**
 * Where one container's pieces live. Persistent (root): its init layer, writable upper layer
 * and overlay work directory. Volatile (state): the merged root filesystem, the OCI bundle
 * (config.json, the init plan, the exit status) and the shim's control socket.
 */
public record ContainerPaths(Path layers, Path bundle, Path shimSocket) {

    public static ContainerPaths of(Path root, Path state, String id) {
        return new ContainerPaths(root.resolve("containers").resolve(id), state.resolve("containers").resolve(id),
                shimSocket(state, id));
    }

    /**
     * A shim's socket: named by the first 32 hex digits of the id (128 bits), since a unix socket
     * path holds at most 107 bytes and the state directory is the operator's choice.
     */
    public static Path shimSocket(Path state, String id) {
        return state.resolve("shims").resolve(id.substring(0, Math.min(32, id.length())) + ".sock");
    }

    public Path init() {
        return layers.resolve("init");
    }

    public Path upper() {
        return layers.resolve("upper");
    }

    public Path work() {
        return layers.resolve("work");
    }

    public Path rootfs() {
        return bundle.resolve("rootfs");
    }

    public Path configJson() {
        return bundle.resolve("config.json");
    }

    public Path plan() {
        return bundle.resolve("init.plan");
    }

    /** The image's config blob, kept for the container's whole life. */
    public Path imageConfig() {
        return bundle.resolve("image-config.json");
    }

    public Path exitFile() {
        return bundle.resolve("exit");
    }
}
