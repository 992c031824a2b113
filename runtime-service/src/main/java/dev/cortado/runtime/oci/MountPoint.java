package dev.cortado.runtime.oci;

import java.nio.file.Path;
import java.util.List;

/**
 * One line of /proc/self/mountinfo.
 *
 * @param optionalFields the propagation tags: "shared:N", "master:N", "propagate_from:N", "unbindable"
 */
public record MountPoint(int id, int parentId, String root, Path mountPoint, String options,
                         List<String> optionalFields, String fsType, String source) {

    public MountPoint {
        optionalFields = List.copyOf(optionalFields);
    }

    public boolean shared() {
        return optionalFields.stream().anyMatch(f -> f.startsWith("shared:"));
    }

    /** Receives mounts from a master peer group. */
    public boolean slave() {
        return optionalFields.stream().anyMatch(f -> f.startsWith("master:"));
    }
}
