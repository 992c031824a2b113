package dev.cortado.runtime.resources;

import dev.cortado.runtime.oci.ResourceLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cgroup v1 files a container's limits become, in the order they must be written: the CFS
 * period before the quota it is measured against, and memory before memory+swap (the writer
 * swaps the two when the kernel needs the other order).
 */
public final class V1Files {

    static final String MEMORY_LIMIT = "memory.limit_in_bytes";
    static final String MEMSW_LIMIT = "memory.memsw.limit_in_bytes";

    private V1Files() {
    }

    /**
     * @param prefix the request field of the limits, with a trailing dot ("linux.resources.")
     */
    public static List<CgroupFile> of(ResourceLimits limits, String prefix) {
        List<CgroupFile> files = new ArrayList<>();
        if (limits.cpuShares() != null) {
            files.add(new CgroupFile("cpu", "cpu.shares", Long.toString(limits.cpuShares()), prefix + "cpu_shares"));
        }
        if (limits.cpuPeriod() != null) {
            files.add(new CgroupFile("cpu", "cpu.cfs_period_us", Long.toString(limits.cpuPeriod()),
                    prefix + "cpu_period"));
        }
        if (limits.cpuQuota() != null) {
            files.add(new CgroupFile("cpu", "cpu.cfs_quota_us", Long.toString(limits.cpuQuota()),
                    prefix + "cpu_quota"));
        }
        if (!limits.cpusetCpus().isEmpty()) {
            files.add(new CgroupFile("cpuset", "cpuset.cpus", limits.cpusetCpus(), prefix + "cpuset_cpus"));
        }
        if (!limits.cpusetMems().isEmpty()) {
            files.add(new CgroupFile("cpuset", "cpuset.mems", limits.cpusetMems(), prefix + "cpuset_mems"));
        }
        if (limits.memoryLimit() != null) {
            files.add(new CgroupFile("memory", MEMORY_LIMIT, Long.toString(limits.memoryLimit()),
                    prefix + "memory_limit_in_bytes"));
        }
        Long memsw = memorySwap(limits);
        if (memsw != null) {
            files.add(new CgroupFile("memory", MEMSW_LIMIT, Long.toString(memsw),
                    prefix + (limits.memorySwap() != null ? "memory_swap_limit_in_bytes" : "memory_limit_in_bytes")));
        }
        for (Map.Entry<String, Long> page : limits.hugepages().entrySet()) {
            files.add(new CgroupFile("hugetlb", "hugetlb." + page.getKey() + ".limit_in_bytes",
                    Long.toString(page.getValue()), prefix + "hugepage_limits[" + page.getKey() + "]"));
        }
        return files;
    }

    /**
     * memory.memsw.limit_in_bytes as containerd sets it: the requested memory+swap limit (-1:
     * unlimited), or, when only memory is limited, the same as memory, so that a container
     * does not swap unless asked to.
     */
    static Long memorySwap(ResourceLimits limits) {
        if (limits.memorySwap() != null) {
            return limits.memorySwap();
        }
        return limits.memoryLimit();
    }
}
