package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.HugepageLimit;
import dev.cortado.cri.v1.LinuxContainerResources;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ResourceLimitsTest {

    @Test
    void zeroMeansUnsetAndValuesPassThrough() {
        ResourceLimits none = ResourceLimits.from(LinuxContainerResources.getDefaultInstance());
        assertEquals(ResourceLimits.NONE, none);
        ResourceLimits limits = ResourceLimits.from(LinuxContainerResources.newBuilder()
                .setCpuShares(512).setCpuQuota(50_000).setCpuPeriod(100_000).setMemoryLimitInBytes(64 << 20)
                .setMemorySwapLimitInBytes(128 << 20).setOomScoreAdj(-997).setCpusetCpus("0-1,3").setCpusetMems("0")
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(4 << 20))
                .putUnified("memory.high", "50M").build());
        assertEquals(512L, limits.cpuShares());
        assertEquals(50_000L, limits.cpuQuota());
        assertEquals(100_000L, limits.cpuPeriod());
        assertEquals(64L << 20, limits.memoryLimit());
        assertEquals(128L << 20, limits.memorySwap());
        assertEquals(-997, limits.oomScoreAdj());
        assertEquals("0-1,3", limits.cpusetCpus());
        assertEquals(Map.of("2MB", 4L << 20), limits.hugepages());
        assertEquals(Map.of("memory.high", "50M"), limits.unified());
        assertNull(ResourceLimits.from(LinuxContainerResources.newBuilder().setCpuQuota(-1).build()).cpuShares());
    }

    @Test
    void badValuesAreRefusedNamingTheField() {
        assertRefused("linux.resources.cpu_shares: -5 is negative", r -> r.setCpuShares(-5));
        assertRefused("linux.resources.cpu_shares: 300000 is above the kernel's 262144", r -> r.setCpuShares(300_000));
        assertRefused("linux.resources.cpu_quota: -2 is neither -1 (no limit) nor at least 1000 microseconds",
                r -> r.setCpuQuota(-2));
        assertRefused("linux.resources.cpu_period: 10 is outside 1000 to 1000000 microseconds", r -> r.setCpuPeriod(10));
        assertRefused("linux.resources.memory_limit_in_bytes: -1 is negative", r -> r.setMemoryLimitInBytes(-1));
        assertRefused("linux.resources.memory_swap_limit_in_bytes: 8388608 is below memory_limit_in_bytes 16777216 "
                + "(it counts memory plus swap)", r -> r.setMemoryLimitInBytes(16 << 20).setMemorySwapLimitInBytes(8 << 20));
        assertRefused("linux.resources.memory_limit_in_bytes: 2000 is below the minimum of 4194304 bytes (4 MiB)",
                r -> r.setMemoryLimitInBytes(2000));
        assertRefused("linux.resources.memory_swap_limit_in_bytes: 8388608 counts memory plus swap, so it needs"
                + " memory_limit_in_bytes as well", r -> r.setMemorySwapLimitInBytes(8 << 20));
        assertRefused("linux.resources.oom_score_adj: 1001 is outside -1000 to 1000", r -> r.setOomScoreAdj(1001));
        assertRefused("linux.resources.cpuset_cpus: \"3-1\": range 3-1 runs backwards", r -> r.setCpusetCpus("3-1"));
        assertRefused("linux.resources.cpuset_mems: \"0,,1\" is not a list like \"0-3,5\"", r -> r.setCpusetMems("0,,1"));
        assertRefused("linux.resources.cpuset_cpus: \"0-99999\": 99999 is beyond any machine", r -> r.setCpusetCpus("0-99999"));
        assertRefused("linux.resources.hugepage_limits[0].page_size: \"2M\" is not a page size like \"2MB\" or \"1GB\"",
                r -> r.addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2M").setLimit(1)));
        assertRefused("linux.resources.unified[\"../x\"]: \"../x\" is not a cgroup v2 file name like \"memory.high\"",
                r -> r.putUnified("../x", "1"));
        assertRefused("linux.resources.unified[\"memory.max\"]: the value holds a newline or NUL",
                r -> r.putUnified("memory.max", "1\n2"));
    }

    private static void assertRefused(String message, java.util.function.UnaryOperator<LinuxContainerResources.Builder> f) {
        LinuxContainerResources resources = f.apply(LinuxContainerResources.newBuilder()).build();
        assertEquals(message, assertThrows(IllegalArgumentException.class, () -> ResourceLimits.from(resources)).getMessage());
    }
}
