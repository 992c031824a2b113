package dev.cortado.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cgroup hierarchies this host mounts, read from /proc/self/mountinfo: cgroup v2 alone
 * (most production nodes), v1 controllers alone, or both (this machine: v1 controllers plus a
 * cgroup2 mount at /sys/fs/cgroup/unified). A container is placed in every hierarchy, as runc
 * does, so that each controller and the unified tree account for it.
 */
public record CgroupLayout(List<Hierarchy> hierarchies) {

    public CgroupLayout {
        hierarchies = List.copyOf(hierarchies);
    }

    public static CgroupLayout detect() throws IOException {
        return parse(Files.readAllLines(Path.of("/proc/self/mountinfo")));
    }

    /** Parses mountinfo lines; only the first mount of each hierarchy counts. */
    static CgroupLayout parse(List<String> mountinfo) {
        List<Hierarchy> found = new ArrayList<>();
        Set<Set<String>> seen = new LinkedHashSet<>();
        boolean unifiedSeen = false;
        for (String line : mountinfo) {
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] before = line.substring(0, dash).split(" ");
            String[] after = line.substring(dash + 3).split(" ");
            if (before.length < 5 || after.length < 3) {
                continue;
            }
            String root = before[3];
            Path mountPoint = Path.of(unescape(before[4]));
            if (!root.equals("/")) {
                continue; // a bind of a sub-tree (e.g. inside a container): not a hierarchy root
            }
            if (after[0].equals("cgroup2") && !unifiedSeen) {
                unifiedSeen = true;
                found.add(new Hierarchy(mountPoint, true, Set.of()));
            } else if (after[0].equals("cgroup")) {
                Set<String> controllers = new LinkedHashSet<>();
                for (String option : after[2].split(",")) {
                    if (!option.equals("rw") && !option.equals("ro") && !option.startsWith("release_agent")
                            && !option.equals("clone_children") && !option.equals("noprefix")
                            && !option.equals("xattr")) {
                        controllers.add(option);
                    }
                }
                if (seen.add(controllers)) {
                    found.add(new Hierarchy(mountPoint, false, controllers));
                }
            }
        }
        return new CgroupLayout(found);
    }

    public Optional<Hierarchy> unified() {
        return hierarchies.stream().filter(Hierarchy::unified).findFirst();
    }

    public List<Hierarchy> legacy() {
        return hierarchies.stream().filter(h -> !h.unified()).toList();
    }

    /** Only cgroup v2: resource control happens in the unified tree. */
    public boolean isUnifiedOnly() {
        return legacy().isEmpty() && unified().isPresent();
    }

    /** The hierarchy carrying a v1 controller, or the unified one when there is no v1 for it. */
    public Optional<Hierarchy> forController(String controller) {
        for (Hierarchy hierarchy : legacy()) {
            if (hierarchy.has(controller)) {
                return Optional.of(hierarchy);
            }
        }
        return unified();
    }

    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
