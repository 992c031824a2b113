package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.HugepageLimit;
import dev.cortado.cri.v1.LinuxContainerResources;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A container's CRI resources, checked, with 0 read as "not set" the way the kubelet means it.
 * They go into config.json's {@code linux.resources}, and into the cgroups through
 * {@code dev.cortado.runtime.resources}, which takes this record as it is.
 *
 * @param cpuShares     cgroup v1 cpu.shares (1 to 262144; the kernel raises 1 to 2), or null
 * @param cpuQuota      CFS quota in microseconds per period, -1 for none, or null
 * @param cpuPeriod     CFS period in microseconds (1000 to 1000000), or null
 * @param cpusetCpus    "0-3,5", or "" for all
 * @param cpusetMems    NUMA nodes, same syntax, or ""
 * @param memoryLimit   bytes, or null
 * @param memorySwap    memory+swap bytes, -1 for unlimited, or null
 * @param hugepages     per page size ("2MB") limit in bytes
 * @param unified       cgroup v2 files to write as they are ("memory.high" to "1G")
 * @param oomScoreAdj   -1000 to 1000
 */
public record ResourceLimits(Long cpuShares, Long cpuQuota, Long cpuPeriod, String cpusetCpus, String cpusetMems,
                             Long memoryLimit, Long memorySwap, Map<String, Long> hugepages,
                             Map<String, String> unified, int oomScoreAdj) {

    public static final ResourceLimits NONE =
            new ResourceLimits(null, null, null, "", "", null, null, Map.of(), Map.of(), 0);

    private static final String FIELD = "linux.resources.";
    /**
     * Below this a container cannot even start its init (runc and Docker refuse under 6 MiB); a
     * smaller limit is a mistake (bytes for mebibytes), not a request.
     */
    public static final long MIN_MEMORY = 4L << 20;
    private static final Pattern PAGE_SIZE = Pattern.compile("[1-9][0-9]{0,5}(KB|MB|GB|TB|PB)");
    private static final Pattern UNIFIED_KEY = Pattern.compile("[a-z0-9_]+\\.[a-z0-9_.]+");

    public ResourceLimits {
        hugepages = Collections.unmodifiableMap(new TreeMap<>(hugepages));
        unified = Collections.unmodifiableMap(new TreeMap<>(unified));
    }

    public static ResourceLimits from(LinuxContainerResources r) {
        return from(r, FIELD);
    }

    /**
     * @param field the request field the resources came in, with a trailing dot
     *              ("linux.resources.", "linux." of UpdateContainerResources), for error messages
     */
    public static ResourceLimits from(LinuxContainerResources r, String field) {
        Long shares = optional(r.getCpuShares());
        if (shares != null && (shares < 0 || shares > 262144)) {
            throw InvalidField.of(field + "cpu_shares", r.getCpuShares()
                    + (shares < 0 ? " is negative" : " is above the kernel's 262144"));
        }
        Long quota = optional(r.getCpuQuota());
        if (quota != null && quota != -1 && quota < 1000) {
            throw InvalidField.of(field + "cpu_quota", quota + " is neither -1 (no limit) nor at least 1000 microseconds");
        }
        Long period = optional(r.getCpuPeriod());
        if (period != null && (period < 1000 || period > 1_000_000)) {
            throw InvalidField.of(field + "cpu_period", period + " is outside 1000 to 1000000 microseconds");
        }
        Long memory = optional(r.getMemoryLimitInBytes());
        if (memory != null && memory < 0) {
            throw InvalidField.of(field + "memory_limit_in_bytes", memory + " is negative");
        }
        if (memory != null && memory < MIN_MEMORY) {
            throw InvalidField.of(field + "memory_limit_in_bytes", memory + " is below the minimum of "
                    + MIN_MEMORY + " bytes (4 MiB)");
        }
        Long swap = optional(r.getMemorySwapLimitInBytes());
        if (swap != null && swap != -1) {
            if (swap < 0) {
                throw InvalidField.of(field + "memory_swap_limit_in_bytes", swap + " is negative and not -1 (unlimited)");
            }
            if (memory == null) {
                throw InvalidField.of(field + "memory_swap_limit_in_bytes", swap
                        + " counts memory plus swap, so it needs memory_limit_in_bytes as well");
            }
            if (swap < memory) {
                throw InvalidField.of(field + "memory_swap_limit_in_bytes", swap
                        + " is below memory_limit_in_bytes " + memory + " (it counts memory plus swap)");
            }
        }
        long adj = r.getOomScoreAdj();
        if (adj < -1000 || adj > 1000) {
            throw InvalidField.of(field + "oom_score_adj", adj + " is outside -1000 to 1000");
        }
        return new ResourceLimits(shares, quota, period,
                CpuList.check(field + "cpuset_cpus", r.getCpusetCpus()),
                CpuList.check(field + "cpuset_mems", r.getCpusetMems()),
                memory, swap, hugepages(field, r.getHugepageLimitsList()), unified(field, r.getUnifiedMap()),
                (int) adj);
    }

    private static Long optional(long value) {
        return value == 0 ? null : value;
    }

    private static Map<String, Long> hugepages(String prefix, List<HugepageLimit> limits) {
        Map<String, Long> out = new TreeMap<>();
        for (int i = 0; i < limits.size(); i++) {
            String field = prefix + "hugepage_limits[" + i + "]";
            HugepageLimit limit = limits.get(i);
            if (!PAGE_SIZE.matcher(limit.getPageSize()).matches()) {
                throw InvalidField.of(field + ".page_size", "\"" + limit.getPageSize()
                        + "\" is not a page size like \"2MB\" or \"1GB\"");
            }
            if (limit.getLimit() < 0) {
                throw InvalidField.of(field + ".limit", Long.toUnsignedString(limit.getLimit())
                        + " is beyond any memory");
            }
            if (out.put(limit.getPageSize(), limit.getLimit()) != null) {
                throw InvalidField.of(field + ".page_size", limit.getPageSize() + " is limited twice");
            }
        }
        return out;
    }

    private static Map<String, String> unified(String prefix, Map<String, String> files) {
        Map<String, String> out = new TreeMap<>();
        List<String> keys = new ArrayList<>(files.keySet());
        keys.sort(null);
        for (String key : keys) {
            String field = prefix + "unified[\"" + key + "\"]";
            if (!UNIFIED_KEY.matcher(key).matches() || key.contains("..")) {
                throw InvalidField.of(field, "\"" + key + "\" is not a cgroup v2 file name like \"memory.high\"");
            }
            String value = files.get(key);
            if (value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
                throw InvalidField.of(field, "the value holds a newline or NUL");
            }
            out.put(key, value);
        }
        return out;
    }
}
