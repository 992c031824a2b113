package dev.cortado.runtime.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.cgroup.Hierarchy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampler over hand-written control files laid out as v1 and v2 hierarchies are. */
class CgroupSamplerTest {

    private static final String CGROUP = "/kubepods/pod1/c1";

    @TempDir
    Path mounts;

    private Path write(Path hierarchy, String file, String content) throws IOException {
        Path dir = hierarchy.resolve(CGROUP.substring(1));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(file), content);
        return dir;
    }

    @Test
    void v1ControllersEachInTheirOwnHierarchy() throws IOException {
        Path cpuacct = mounts.resolve("cpuacct");
        Path cpu = mounts.resolve("cpu");
        Path memory = mounts.resolve("memory");
        Path pids = mounts.resolve("pids");
        write(cpuacct, "cpuacct.usage", "123456789\n");
        write(cpu, "cpu.shares", "512\n");
        write(cpu, "cpu.cfs_quota_us", "50000\n");
        write(cpu, "cpu.cfs_period_us", "100000\n");
        write(memory, "memory.usage_in_bytes", "10000000\n");
        write(memory, "memory.limit_in_bytes", "9223372036854771712\n");
        write(memory, "memory.failcnt", "3\n");
        write(memory, "memory.memsw.usage_in_bytes", "10004096\n");
        write(memory, "memory.memsw.limit_in_bytes", "9223372036854771712\n");
        write(memory, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        write(memory, "memory.stat", "cache 1\nrss 2\ntotal_cache 4000000\ntotal_rss 5000000\n"
                + "total_pgfault 77\ntotal_pgmajfault 7\ntotal_inactive_file 3000000\n");
        write(pids, "pids.current", "4\n");
        CgroupLayout layout = new CgroupLayout(List.of(
                new Hierarchy(cpu, false, Set.of("cpu")), new Hierarchy(cpuacct, false, Set.of("cpuacct")),
                new Hierarchy(memory, false, Set.of("memory")), new Hierarchy(pids, false, Set.of("pids")),
                new Hierarchy(mounts.resolve("unified"), true, Set.of())));

        CgroupSample sample = new CgroupSampler(layout).sample(CGROUP, 42);

        assertEquals(42, sample.timestamp());
        assertEquals(123456789L, sample.cpuNanos());
        assertEquals(10_000_000L, sample.memoryUsage());
        assertEquals(7_000_000L, sample.workingSet(), "usage minus total_inactive_file");
        assertEquals(5_000_000L, sample.rss());
        assertEquals(4_000_000L, sample.cache());
        assertEquals(77L, sample.pageFaults());
        assertEquals(7L, sample.majorPageFaults());
        assertNull(sample.memoryLimit(), "the v1 'unlimited' number is no limit");
        assertNull(sample.availableBytes());
        assertEquals(3L, sample.memoryFailures());
        assertEquals(2L, sample.oomKills());
        assertEquals(4096L, sample.swapUsage(), "memsw usage minus memory usage");
        assertEquals(4L, sample.processes());
        assertEquals(512L, sample.cpuShares());
        assertEquals(50_000L, sample.cpuQuota());
        assertEquals(100_000L, sample.cpuPeriod());
    }

    @Test
    void v1WorkingSetIsNeverNegativeAndALimitGivesAvailableBytes() throws IOException {
        Path memory = mounts.resolve("memory");
        write(memory, "memory.usage_in_bytes", "1000\n");
        write(memory, "memory.limit_in_bytes", "4096000\n");
        write(memory, "memory.stat", "total_inactive_file 5000\n");
        CgroupLayout layout = new CgroupLayout(List.of(new Hierarchy(memory, false, Set.of("memory"))));

        CgroupSample sample = new CgroupSampler(layout).sample(CGROUP, 1);

        assertEquals(0L, sample.workingSet());
        assertEquals(4_096_000L, sample.memoryLimit());
        assertEquals(4_096_000L, sample.availableBytes());
        assertNull(sample.cpuNanos(), "no cpuacct hierarchy and no unified one");
    }

    @Test
    void v2UnifiedOnly() throws IOException {
        Path unified = mounts.resolve("unified");
        write(unified, "cpu.stat", "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n");
        write(unified, "cpu.weight", "100\n");
        write(unified, "cpu.max", "25000 100000\n");
        write(unified, "memory.current", "8000000\n");
        write(unified, "memory.max", "16000000\n");
        write(unified, "memory.stat", "anon 6000000\nfile 1500000\ninactive_file 1000000\npgfault 10\n"
                + "pgmajfault 1\n");
        write(unified, "memory.events", "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n");
        write(unified, "memory.swap.current", "0\n");
        write(unified, "memory.swap.max", "max\n");
        write(unified, "pids.current", "3\n");
        CgroupLayout layout = new CgroupLayout(List.of(new Hierarchy(unified, true, Set.of())));

        CgroupSample sample = new CgroupSampler(layout).sample(CGROUP, 1);

        assertEquals(2_500_000L, sample.cpuNanos(), "usage_usec in nanoseconds");
        assertEquals(8_000_000L, sample.memoryUsage());
        assertEquals(7_000_000L, sample.workingSet(), "memory.current minus inactive_file");
        assertEquals(6_000_000L, sample.rss());
        assertEquals(1_500_000L, sample.cache());
        assertEquals(16_000_000L, sample.memoryLimit());
        assertEquals(9_000_000L, sample.availableBytes());
        assertEquals(5L, sample.memoryFailures());
        assertEquals(1L, sample.oomKills());
        assertEquals(0L, sample.swapUsage());
        assertNull(sample.swapLimit(), "max is no limit");
        assertEquals(3L, sample.processes());
        assertEquals(CgroupSampler.weightToShares(100), sample.cpuShares());
        assertEquals(25_000L, sample.cpuQuota());
        assertEquals(100_000L, sample.cpuPeriod());
    }

    @Test
    void v2UnlimitedMemoryAndCpu() throws IOException {
        Path unified = mounts.resolve("unified");
        write(unified, "memory.current", "100\n");
        write(unified, "memory.max", "max\n");
        write(unified, "cpu.max", "max 100000\n");
        CgroupLayout layout = new CgroupLayout(List.of(new Hierarchy(unified, true, Set.of())));

        CgroupSample sample = new CgroupSampler(layout).sample(CGROUP, 1);

        assertNull(sample.memoryLimit());
        assertNull(sample.cpuQuota());
        assertEquals(100_000L, sample.cpuPeriod());
        assertEquals(100L, sample.workingSet(), "no memory.stat: the whole usage");
    }

    @Test
    void aRemovedCgroupReadsAsAbsent() {
        CgroupLayout layout = new CgroupLayout(List.of(new Hierarchy(mounts.resolve("memory"), false,
                Set.of("memory")), new Hierarchy(mounts.resolve("unified"), true, Set.of())));

        CgroupSample sample = new CgroupSampler(layout).sample(CGROUP, 1);

        assertNull(sample.memoryUsage());
        assertNull(sample.workingSet());
        assertNull(sample.cpuNanos());
        assertNull(sample.processes());
    }

    @Test
    void weightConvertsToSharesAtTheEnds() {
        assertEquals(2, CgroupSampler.weightToShares(1));
        assertEquals(262144, CgroupSampler.weightToShares(10000));
    }
}
