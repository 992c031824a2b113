package dev.cortado.runtime.resources;

import dev.cortado.runtime.cgroup.Cgroup;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Limits a host without the controller leaves unapplied (with a warning) instead of refusing the
 * container: the kubelet sends a hugepage limit for every page size the node has, whether or not
 * the hugetlb controller is there, and containerd sets swap only where the kernel accounts it.
 * The warning is logged once per file name, then at FINE: it would otherwise repeat for every
 * container.
 */
final class SkippableLimits {

    private static final Logger LOG = Logger.getLogger(SkippableLimits.class.getName());

    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    static boolean canSkip(CgroupFile file) {
        return file.controller().equals("hugetlb") || isSwap(file.name());
    }

    void skipped(Cgroup cgroup, CgroupFile file) {
        Level level = warned.add(file.name()) ? Level.WARNING : Level.FINE;
        LOG.log(level, () -> file.field() + " not applied to cgroup " + cgroup + ": " + why(file));
    }

    private static String why(CgroupFile file) {
        return isSwap(file.name()) ? "this kernel does not account swap (" + file.name() + " is missing)"
                : "the hugetlb controller is not available on this host";
    }

    private static boolean isSwap(String name) {
        return name.equals(V1Files.MEMSW_LIMIT) || name.equals("memory.swap.max");
    }
}
