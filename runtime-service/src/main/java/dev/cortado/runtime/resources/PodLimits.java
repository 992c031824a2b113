package dev.cortado.runtime.resources;

import dev.cortado.cri.v1.HugepageLimit;
import dev.cortado.cri.v1.LinuxContainerResources;
import dev.cortado.runtime.oci.ResourceLimits;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pod's own cgroup limits: the pod-level resources (the sum of its containers' as the kubelet
 * computes it) plus the runtime class overhead, added the way the kubelet sizes the pod cgroup.
 * A limit the resources leave unset stays unset: overhead alone does not cap a pod.
 */
public final class PodLimits {

    private PodLimits() {
    }

    /**
     * Checks both parts (errors name {@code overheadField} or {@code resourcesField}) and adds
     * them up into one request.
     */
    public static ResourceLimits of(LinuxContainerResources resources, String resourcesField,
                                    LinuxContainerResources overhead, String overheadField) {
        ResourceLimits pod = ResourceLimits.from(resources, resourcesField);
        ResourceLimits extra = ResourceLimits.from(overhead, overheadField);
        LinuxContainerResources.Builder sum = resources.toBuilder();
        if (pod.cpuShares() != null && extra.cpuShares() != null) {
            sum.setCpuShares(Math.min(262144, pod.cpuShares() + extra.cpuShares()));
        }
        if (pod.cpuQuota() != null && pod.cpuQuota() > 0 && extra.cpuQuota() != null && extra.cpuQuota() > 0) {
            sum.setCpuQuota(pod.cpuQuota() + scaledQuota(extra, pod));
        }
        if (pod.memoryLimit() != null && extra.memoryLimit() != null) {
            sum.setMemoryLimitInBytes(pod.memoryLimit() + extra.memoryLimit());
        }
        if (!pod.hugepages().isEmpty() && !extra.hugepages().isEmpty()) {
            Map<String, Long> pages = new LinkedHashMap<>(pod.hugepages());
            extra.hugepages().forEach((size, limit) -> pages.computeIfPresent(size, (k, v) -> v + limit));
            sum.clearHugepageLimits();
            pages.forEach((size, limit) -> sum.addHugepageLimits(HugepageLimit.newBuilder().setPageSize(size)
                    .setLimit(limit)));
        }
        // a memory+swap limit is a container's: the pod's memory+swap stays at its memory limit
        sum.setMemorySwapLimitInBytes(0);
        return ResourceLimits.from(sum.build(), resourcesField);
    }

    /** Overhead's quota in the pod's period, so that the two add up in the same unit of time. */
    private static long scaledQuota(ResourceLimits overhead, ResourceLimits pod) {
        long podPeriod = pod.cpuPeriod() != null ? pod.cpuPeriod() : V2Files.DEFAULT_PERIOD;
        long overheadPeriod = overhead.cpuPeriod() != null ? overhead.cpuPeriod() : V2Files.DEFAULT_PERIOD;
        return overhead.cpuQuota() * podPeriod / overheadPeriod;
    }
}
