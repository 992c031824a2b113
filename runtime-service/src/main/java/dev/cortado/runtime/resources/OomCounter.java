package dev.cortado.runtime.resources;

import dev.cortado.runtime.cgroup.Cgroup;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.cgroup.Hierarchy;
import java.io.IOException;
import java.util.Optional;

/**
 * How many processes of a cgroup the kernel's OOM killer has killed: {@code oom_kill} of
 * memory.oom_control on cgroup v1 (kernel 4.13 and later), of memory.events on v2. The count
 * belongs to the cgroup of the killed process, so a container's own count rises only for its
 * own processes.
 */
public final class OomCounter {

    private final CgroupLayout layout;

    public OomCounter(CgroupLayout layout) {
        this.layout = layout;
    }

    /** The kills so far, or empty when this host cannot tell (no memory controller, cgroup gone, old kernel). */
    public Optional<Long> kills(Cgroup cgroup) throws IOException {
        Optional<Hierarchy> memory = layout.legacy().stream().filter(h -> h.has("memory")).findFirst();
        Optional<String> text = memory.isPresent() ? cgroup.read("memory", "memory.oom_control")
                : cgroup.read("memory", "memory.events");
        return text.map(Cgroup::keyedValues).map(values -> values.get("oom_kill"));
    }
}
