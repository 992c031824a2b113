package dev.cortado.runtime.cgroup;

import java.nio.file.Path;
import java.util.Set;

/**
 * One mounted cgroup hierarchy.
 *
 * @param mountPoint  where it is mounted, e.g. /sys/fs/cgroup/memory or /sys/fs/cgroup
 * @param unified     cgroup v2
 * @param controllers the v1 controllers (or the {@code name=} of a named hierarchy) it carries;
 *                    empty for v2
 */
public record Hierarchy(Path mountPoint, boolean unified, Set<String> controllers) {

    public Hierarchy {
        controllers = Set.copyOf(controllers);
    }

    public boolean has(String controller) {
        return controllers.contains(controller);
    }
}
