package dev.cortado.runtime.resources;

/**
 * Limits a host without the controller leaves unapplied (with a warning) instead of refusing the
 * container: the kubelet sends a hugepage limit for every page size the node has, whether or not
 * the hugetlb controller is there, and containerd sets swap only where the kernel accounts it.
 */
final class SkippableLimits {

    private SkippableLimits() {
    }

    static boolean canSkip(CgroupFile file) {
        return file.controller().equals("hugetlb") || isSwap(file.name());
    }

    static String why(CgroupFile file) {
        return isSwap(file.name()) ? "this kernel does not account swap (" + file.name() + " is missing)"
                : "the hugetlb controller is not available on this host";
    }

    private static boolean isSwap(String name) {
        return name.equals(V1Files.MEMSW_LIMIT) || name.equals("memory.swap.max");
    }
}
