package dev.cortado.runtime.resources;

import dev.cortado.cri.v1.LinuxContainerResources;

/**
 * What UpdateContainerResources leaves a container with: each field the update sets replaces
 * the current one, and fields it leaves at zero or empty keep theirs, as containerd merges them.
 * Hugepage limits are replaced as a list; unified keys one by one.
 */
public final class ResourceUpdate {

    private ResourceUpdate() {
    }

    public static LinuxContainerResources merge(LinuxContainerResources current, LinuxContainerResources update) {
        LinuxContainerResources.Builder merged = current.toBuilder();
        if (update.getCpuPeriod() != 0) {
            merged.setCpuPeriod(update.getCpuPeriod());
        }
        if (update.getCpuQuota() != 0) {
            merged.setCpuQuota(update.getCpuQuota());
        }
        if (update.getCpuShares() != 0) {
            merged.setCpuShares(update.getCpuShares());
        }
        if (update.getMemoryLimitInBytes() != 0) {
            merged.setMemoryLimitInBytes(update.getMemoryLimitInBytes());
        }
        if (update.getMemorySwapLimitInBytes() != 0) {
            merged.setMemorySwapLimitInBytes(update.getMemorySwapLimitInBytes());
        }
        if (update.getOomScoreAdj() != 0) {
            merged.setOomScoreAdj(update.getOomScoreAdj());
        }
        if (!update.getCpusetCpus().isEmpty()) {
            merged.setCpusetCpus(update.getCpusetCpus());
        }
        if (!update.getCpusetMems().isEmpty()) {
            merged.setCpusetMems(update.getCpusetMems());
        }
        if (update.getHugepageLimitsCount() > 0) {
            merged.clearHugepageLimits().addAllHugepageLimits(update.getHugepageLimitsList());
        }
        merged.putAllUnified(update.getUnifiedMap());
        return merged.build();
    }
}
