package dev.cortado.runtime.stats;

import dev.cortado.runtime.cgroup.Cgroup;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.cgroup.Hierarchy;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a cgroup's CPU, memory, swap and pids accounting from whichever hierarchy carries each
 * controller: the v1 controller's own mount when there is one, else the unified (v2) tree.
 */
final class CgroupSampler {

    private final CgroupLayout layout;

    CgroupSampler(CgroupLayout layout) {
        this.layout = layout;
    }

    CgroupSample sample(String cgroupPath, long timestamp) {
        Cgroup cgroup = new Cgroup(layout, cgroupPath);
        Reading reading = new Reading();
        dir(cgroup, "cpuacct").ifPresentOrElse(d -> reading.cpuV1(d.dir()), () -> dirV2(cgroup)
                .ifPresent(reading::cpuV2));
        dir(cgroup, "cpu").ifPresentOrElse(d -> reading.cpuSpecV1(d.dir()), () -> dirV2(cgroup)
                .ifPresent(reading::cpuSpecV2));
        dir(cgroup, "memory").ifPresentOrElse(d -> reading.memoryV1(d.dir()), () -> dirV2(cgroup)
                .ifPresent(reading::memoryV2));
        dir(cgroup, "pids").map(Located::dir).or(() -> dirV2(cgroup)).ifPresent(reading::pids);
        return reading.toSample(timestamp);
    }

    private record Located(Path dir) {
    }

    /** The cgroup's directory in the v1 hierarchy of this controller, if the host mounts one. */
    private Optional<Located> dir(Cgroup cgroup, String controller) {
        for (Hierarchy hierarchy : layout.legacy()) {
            if (hierarchy.has(controller)) {
                return Optional.of(new Located(cgroup.directory(hierarchy)));
            }
        }
        return Optional.empty();
    }

    private Optional<Path> dirV2(Cgroup cgroup) {
        return layout.unified().map(cgroup::directory);
    }

    /** v2 expresses CPU weight 1..10000; cAdvisor and the kubelet think in v1 shares 2..262144. */
    static long weightToShares(long weight) {
        return 2 + ((weight - 1) * 262142) / 9999;
    }

    /** The values as they are read, then frozen into a sample. */
    private static final class Reading {
        Long cpuNanos;
        Long memoryUsage;
        Long workingSet;
        Long rss;
        Long cache;
        Long pageFaults;
        Long majorPageFaults;
        Long memoryLimit;
        Long memoryFailures;
        Long oomKills;
        Long swapUsage;
        Long swapLimit;
        Long processes;
        Long cpuShares;
        Long cpuQuota;
        Long cpuPeriod;

        void cpuV1(Path dir) {
            cpuNanos = CgroupFiles.number(dir.resolve("cpuacct.usage"));
        }

        void cpuV2(Path dir) {
            Long micros = CgroupFiles.keyed(dir.resolve("cpu.stat")).get("usage_usec");
            cpuNanos = micros == null ? null : micros * 1000;
        }

        void cpuSpecV1(Path dir) {
            cpuShares = CgroupFiles.number(dir.resolve("cpu.shares"));
            Long quota = CgroupFiles.number(dir.resolve("cpu.cfs_quota_us"));
            cpuQuota = quota == null || quota < 0 ? null : quota;
            cpuPeriod = CgroupFiles.number(dir.resolve("cpu.cfs_period_us"));
        }

        void cpuSpecV2(Path dir) {
            Long weight = CgroupFiles.number(dir.resolve("cpu.weight"));
            cpuShares = weight == null ? null : weightToShares(weight);
            String max = CgroupFiles.text(dir.resolve("cpu.max"));
            if (max != null) {
                String[] parts = max.split("\\s+");
                if (parts.length == 2) {
                    cpuQuota = parts[0].equals("max") ? null : parseOrNull(parts[0]);
                    cpuPeriod = parseOrNull(parts[1]);
                }
            }
        }

        void memoryV1(Path dir) {
            memoryUsage = CgroupFiles.number(dir.resolve("memory.usage_in_bytes"));
            memoryLimit = CgroupFiles.limit(dir.resolve("memory.limit_in_bytes"));
            memoryFailures = CgroupFiles.number(dir.resolve("memory.failcnt"));
            Map<String, Long> stat = CgroupFiles.keyed(dir.resolve("memory.stat"));
            rss = stat.get("total_rss");
            cache = stat.get("total_cache");
            pageFaults = stat.get("total_pgfault");
            majorPageFaults = stat.get("total_pgmajfault");
            workingSet = workingSet(memoryUsage, stat.get("total_inactive_file"));
            oomKills = CgroupFiles.keyed(dir.resolve("memory.oom_control")).get("oom_kill");
            Long withSwap = CgroupFiles.number(dir.resolve("memory.memsw.usage_in_bytes"));
            if (withSwap != null && memoryUsage != null) {
                swapUsage = Math.max(0, withSwap - memoryUsage);
                Long swapTotalLimit = CgroupFiles.limit(dir.resolve("memory.memsw.limit_in_bytes"));
                swapLimit = swapTotalLimit == null || memoryLimit == null ? null
                        : Math.max(0, swapTotalLimit - memoryLimit);
            }
        }

        void memoryV2(Path dir) {
            memoryUsage = CgroupFiles.number(dir.resolve("memory.current"));
            memoryLimit = CgroupFiles.number(dir.resolve("memory.max"));
            Map<String, Long> stat = CgroupFiles.keyed(dir.resolve("memory.stat"));
            rss = stat.get("anon");
            cache = stat.get("file");
            pageFaults = stat.get("pgfault");
            majorPageFaults = stat.get("pgmajfault");
            workingSet = workingSet(memoryUsage, stat.get("inactive_file"));
            Map<String, Long> events = CgroupFiles.keyed(dir.resolve("memory.events"));
            memoryFailures = events.get("max");
            oomKills = events.get("oom_kill");
            swapUsage = CgroupFiles.number(dir.resolve("memory.swap.current"));
            swapLimit = CgroupFiles.number(dir.resolve("memory.swap.max"));
        }

        void pids(Path dir) {
            processes = CgroupFiles.number(dir.resolve("pids.current"));
        }

        private static Long workingSet(Long usage, Long inactiveFile) {
            if (usage == null) {
                return null;
            }
            return inactiveFile == null ? usage : Math.max(0, usage - inactiveFile);
        }

        private static Long parseOrNull(String text) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException odd) {
                return null;
            }
        }

        CgroupSample toSample(long timestamp) {
            return new CgroupSample(timestamp, cpuNanos, memoryUsage, workingSet, rss, cache, pageFaults,
                    majorPageFaults, memoryLimit, memoryFailures, oomKills, swapUsage, swapLimit, processes, cpuShares,
                    cpuQuota, cpuPeriod);
        }
    }
}
