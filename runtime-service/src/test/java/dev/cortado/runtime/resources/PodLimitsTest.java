package dev.cortado.runtime.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cortado.cri.v1.HugepageLimit;
import dev.cortado.cri.v1.LinuxContainerResources;
import dev.cortado.runtime.oci.ResourceLimits;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodLimitsTest {

    @Test
    void overheadIsAddedToThePodsResources() {
        ResourceLimits pod = PodLimits.of(LinuxContainerResources.newBuilder().setCpuShares(1024).setCpuQuota(200_000)
                        .setCpuPeriod(100_000).setMemoryLimitInBytes(256L << 20).build(), "config.linux.resources.",
                LinuxContainerResources.newBuilder().setCpuShares(128).setCpuQuota(5_000).setCpuPeriod(50_000)
                        .setMemoryLimitInBytes(32L << 20).build(), "config.linux.overhead.");
        assertEquals(1152L, pod.cpuShares());
        assertEquals(210_000L, pod.cpuQuota(), "overhead's quota counted in the pod's period");
        assertEquals(100_000L, pod.cpuPeriod());
        assertEquals(288L << 20, pod.memoryLimit());
        assertNull(pod.memorySwap());
    }

    @Test
    void overheadAloneLimitsNothing() {
        ResourceLimits pod = PodLimits.of(LinuxContainerResources.getDefaultInstance(), "r.",
                LinuxContainerResources.newBuilder().setCpuShares(128).setMemoryLimitInBytes(32L << 20).build(), "o.");
        assertEquals(ResourceLimits.NONE, pod);
    }

    @Test
    void hugepagesAddUpPerSize() {
        ResourceLimits pod = PodLimits.of(LinuxContainerResources.newBuilder()
                        .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(4L << 20)).build(), "r.",
                LinuxContainerResources.newBuilder()
                        .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(2L << 20)).build(), "o.");
        assertEquals(Map.of("2MB", 6L << 20), pod.hugepages());
    }

    @Test
    void badValuesNameTheirField() {
        assertEquals("config.linux.overhead.cpu_shares: -1 is negative", assertThrows(IllegalArgumentException.class,
                () -> PodLimits.of(LinuxContainerResources.getDefaultInstance(), "config.linux.resources.",
                        LinuxContainerResources.newBuilder().setCpuShares(-1).build(), "config.linux.overhead."))
                .getMessage());
    }
}
