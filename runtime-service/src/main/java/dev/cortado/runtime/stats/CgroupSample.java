package dev.cortado.runtime.stats;

/**
 * One reading of a cgroup's accounting. Null fields were not available (controller missing,
 * cgroup gone, no limit set).
 *
 * @param timestamp       nanoseconds since the epoch when it was read
 * @param cpuNanos        cumulative CPU time of every process in it
 * @param memoryUsage     all memory charged, page cache included
 * @param workingSet      usage minus inactive file cache, never negative
 * @param rss             anonymous memory
 * @param cache           page cache
 * @param pageFaults      cumulative page faults, and the major ones
 * @param memoryLimit     the memory limit, null when unlimited
 * @param memoryFailures  how often the limit was hit (v1 failcnt, v2 memory.events max)
 * @param oomKills        processes killed by the OOM killer in this cgroup
 * @param swapUsage       swap in use, and its limit
 * @param processes       pids.current
 * @param cpuShares       cpu.shares (v2: cpu.weight converted), and the CFS quota and period
 */
record CgroupSample(long timestamp, Long cpuNanos, Long memoryUsage, Long workingSet, Long rss, Long cache,
                    Long pageFaults, Long majorPageFaults, Long memoryLimit, Long memoryFailures, Long oomKills,
                    Long swapUsage, Long swapLimit, Long processes, Long cpuShares, Long cpuQuota, Long cpuPeriod) {

    /** Bytes left before the limit: limit minus working set, when a limit is set. */
    Long availableBytes() {
        if (memoryLimit == null || workingSet == null) {
            return null;
        }
        return Math.max(0, memoryLimit - workingSet);
    }

    Long swapAvailable() {
        if (swapLimit == null || swapUsage == null) {
            return null;
        }
        return Math.max(0, swapLimit - swapUsage);
    }
}
