package dev.cortado.runtime.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.cri.v1.HugepageLimit;
import dev.cortado.cri.v1.LinuxContainerResources;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceUpdateTest {

    @Test
    void setFieldsReplaceAndUnsetOnesKeepTheirValue() {
        LinuxContainerResources current = LinuxContainerResources.newBuilder().setCpuShares(512).setCpuQuota(50_000)
                .setCpuPeriod(100_000).setMemoryLimitInBytes(64L << 20).setCpusetCpus("0").setOomScoreAdj(100)
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(0))
                .putUnified("pids.max", "10").putUnified("memory.high", "1G").build();
        LinuxContainerResources merged = ResourceUpdate.merge(current, LinuxContainerResources.newBuilder()
                .setCpuQuota(20_000).setMemoryLimitInBytes(128L << 20).setCpusetCpus("1")
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(2L << 20))
                .putUnified("pids.max", "20").build());
        assertEquals(LinuxContainerResources.newBuilder().setCpuShares(512).setCpuQuota(20_000).setCpuPeriod(100_000)
                .setMemoryLimitInBytes(128L << 20).setCpusetCpus("1").setOomScoreAdj(100)
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(2L << 20))
                .putAllUnified(Map.of("pids.max", "20", "memory.high", "1G")).build(), merged);
    }
}
