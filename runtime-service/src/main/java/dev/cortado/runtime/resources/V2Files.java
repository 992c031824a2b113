package dev.cortado.runtime.resources;

import dev.cortado.runtime.oci.ResourceLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The cgroup v2 files a container's limits become. CRI speaks v1 (shares, memory+swap); the
 * conversions are the ones the kubelet and runc use, so that a pod gets the same share of the
 * node whichever hierarchy the node runs. The unified map comes last so that it overrides.
 */
public final class V2Files {

    /** The kernel's default period, used when only a quota is given. */
    static final long DEFAULT_PERIOD = 100_000;

    private V2Files() {
    }

    public static List<CgroupFile> of(ResourceLimits limits, String prefix) {
        List<CgroupFile> files = new ArrayList<>();
        if (limits.cpuShares() != null) {
            files.add(new CgroupFile("cpu", "cpu.weight", Long.toString(weight(limits.cpuShares())),
                    prefix + "cpu_shares"));
        }
        String cpuMax = cpuMax(limits);
        if (cpuMax != null) {
            files.add(new CgroupFile("cpu", "cpu.max", cpuMax,
                    prefix + (limits.cpuQuota() != null ? "cpu_quota" : "cpu_period")));
        }
        if (!limits.cpusetCpus().isEmpty()) {
            files.add(new CgroupFile("cpuset", "cpuset.cpus", limits.cpusetCpus(), prefix + "cpuset_cpus"));
        }
        if (!limits.cpusetMems().isEmpty()) {
            files.add(new CgroupFile("cpuset", "cpuset.mems", limits.cpusetMems(), prefix + "cpuset_mems"));
        }
        if (limits.memoryLimit() != null) {
            files.add(new CgroupFile("memory", "memory.max", Long.toString(limits.memoryLimit()),
                    prefix + "memory_limit_in_bytes"));
        }
        String swap = swapMax(limits);
        if (swap != null) {
            files.add(new CgroupFile("memory", "memory.swap.max", swap, prefix + "memory_swap_limit_in_bytes"));
        }
        for (Map.Entry<String, Long> page : limits.hugepages().entrySet()) {
            files.add(new CgroupFile("hugetlb", "hugetlb." + page.getKey() + ".max", Long.toString(page.getValue()),
                    prefix + "hugepage_limits[" + page.getKey() + "]"));
        }
        for (Map.Entry<String, String> entry : limits.unified().entrySet()) {
            files.add(unified(entry.getKey(), entry.getValue(), prefix));
        }
        return files;
    }

    static CgroupFile unified(String name, String value, String prefix) {
        return new CgroupFile(CgroupFile.controllerOf(name), name, value, prefix + "unified[\"" + name + "\"]");
    }

    /**
     * cpu.weight (1 to 10000) from cpu.shares (2 to 262144), mapped linearly end to end, as the
     * kubelet and runc convert it: 2 becomes 1, 1024 becomes 39, 262144 becomes 10000.
     */
    public static long weight(long shares) {
        long clamped = Math.max(2, Math.min(262144, shares));
        return 1 + ((clamped - 2) * 9999) / 262142;
    }

    /** "quota period", "max period", or only the first word when no period is given. */
    static String cpuMax(ResourceLimits limits) {
        if (limits.cpuQuota() == null && limits.cpuPeriod() == null) {
            return null;
        }
        String quota = limits.cpuQuota() != null && limits.cpuQuota() > 0 ? Long.toString(limits.cpuQuota()) : "max";
        return limits.cpuPeriod() == null ? quota : quota + " " + limits.cpuPeriod();
    }

    /**
     * memory.swap.max counts swap alone where CRI counts memory plus swap: the difference, "max"
     * for unlimited, and 0 (no swap) when only memory is limited, as containerd asks of runc.
     */
    static String swapMax(ResourceLimits limits) {
        Long memsw = V1Files.memorySwap(limits);
        if (memsw == null) {
            return null;
        }
        if (memsw == -1) {
            return "max";
        }
        if (limits.memoryLimit() == null) {
            return null; // ResourceLimits refuses a memory+swap limit without a memory limit
        }
        return Long.toString(memsw - limits.memoryLimit());
    }
}
