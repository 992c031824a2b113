package dev.cortado.runtime.stats;

import dev.cortado.cri.v1.Metric;
import java.util.ArrayList;
import java.util.List;

/**
 * The metric values of one container (or of the pod's own cgroup), all carrying the same base
 * label values and timestamp. Absent readings produce no metric rather than a false zero.
 */
final class MetricValues {

    private final List<String> baseLabels;
    private final long timestamp;
    private final List<Metric> metrics = new ArrayList<>();

    /** @param baseLabels values for {@link CadvisorMetric#BASE_LABELS}, in that order */
    MetricValues(List<String> baseLabels, long timestamp) {
        if (baseLabels.size() != CadvisorMetric.BASE_LABELS.size()) {
            throw new IllegalArgumentException("expected " + CadvisorMetric.BASE_LABELS + ", got " + baseLabels);
        }
        this.baseLabels = List.copyOf(baseLabels);
        this.timestamp = timestamp;
    }

    void add(CadvisorMetric metric, Long value, String... extraLabels) {
        if (value == null) {
            return;
        }
        if (extraLabels.length != metric.extraLabelCount()) {
            throw new IllegalArgumentException(metric.metricName() + " takes " + metric.extraLabelCount()
                    + " extra labels, got " + extraLabels.length);
        }
        List<String> labels = new ArrayList<>(baseLabels);
        labels.addAll(List.of(extraLabels));
        metrics.add(Metric.newBuilder()
                .setName(metric.metricName())
                .setTimestamp(timestamp)
                .setMetricType(metric.type())
                .addAllLabelValues(labels)
                .setValue(UInt64s.of(value))
                .build());
    }

    /** The cgroup readings every container and pod has. */
    void addCgroup(CgroupSample sample) {
        add(CadvisorMetric.CPU_USAGE, sample.cpuNanos() == null ? null : sample.cpuNanos() / 1_000_000_000L, "total");
        add(CadvisorMetric.MEMORY_USAGE, sample.memoryUsage());
        add(CadvisorMetric.MEMORY_WORKING_SET, sample.workingSet());
        add(CadvisorMetric.MEMORY_RSS, sample.rss());
        add(CadvisorMetric.MEMORY_CACHE, sample.cache());
        add(CadvisorMetric.MEMORY_SWAP, sample.swapUsage());
        add(CadvisorMetric.MEMORY_FAILCNT, sample.memoryFailures());
        add(CadvisorMetric.MEMORY_FAILURES, sample.pageFaults(), "pgfault", "hierarchy");
        add(CadvisorMetric.MEMORY_FAILURES, sample.majorPageFaults(), "pgmajfault", "hierarchy");
        add(CadvisorMetric.OOM_EVENTS, sample.oomKills());
        if (sample.memoryUsage() != null) {
            // cAdvisor reports no limit as 0
            add(CadvisorMetric.SPEC_MEMORY_LIMIT, sample.memoryLimit() == null ? 0L : sample.memoryLimit());
        }
        add(CadvisorMetric.SPEC_MEMORY_SWAP_LIMIT, sample.swapLimit());
        add(CadvisorMetric.SPEC_CPU_SHARES, sample.cpuShares());
        add(CadvisorMetric.SPEC_CPU_QUOTA, sample.cpuQuota());
        add(CadvisorMetric.SPEC_CPU_PERIOD, sample.cpuPeriod());
        add(CadvisorMetric.PROCESSES, sample.processes());
    }

    void addNetwork(List<InterfaceCounters> interfaces) {
        for (InterfaceCounters c : interfaces) {
            add(CadvisorMetric.NETWORK_RECEIVE_BYTES, c.rxBytes(), c.name());
            add(CadvisorMetric.NETWORK_RECEIVE_PACKETS, c.rxPackets(), c.name());
            add(CadvisorMetric.NETWORK_RECEIVE_ERRORS, c.rxErrors(), c.name());
            add(CadvisorMetric.NETWORK_RECEIVE_DROPPED, c.rxDropped(), c.name());
            add(CadvisorMetric.NETWORK_TRANSMIT_BYTES, c.txBytes(), c.name());
            add(CadvisorMetric.NETWORK_TRANSMIT_PACKETS, c.txPackets(), c.name());
            add(CadvisorMetric.NETWORK_TRANSMIT_ERRORS, c.txErrors(), c.name());
            add(CadvisorMetric.NETWORK_TRANSMIT_DROPPED, c.txDropped(), c.name());
        }
    }

    List<Metric> metrics() {
        return List.copyOf(metrics);
    }
}
