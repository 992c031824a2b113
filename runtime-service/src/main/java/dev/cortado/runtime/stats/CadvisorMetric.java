package dev.cortado.runtime.stats;

import dev.cortado.cri.v1.MetricDescriptor;
import dev.cortado.cri.v1.MetricType;
import java.util.ArrayList;
import java.util.List;

/**
 * The cAdvisor metrics cortado serves through ListPodSandboxMetrics, under the names, help and
 * labels the kubelet's /metrics/cadvisor has always shown, so dashboards and alerts keep working
 * when the kubelet takes them from the runtime instead of cAdvisor. Values are unsigned integers
 * on the wire: seconds are whole seconds.
 */
enum CadvisorMetric {
    CPU_USAGE("container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.", MetricType.COUNTER,
            "cpu"),
    MEMORY_USAGE("container_memory_usage_bytes",
            "Current memory usage in bytes, including all memory regardless of when it was accessed",
            MetricType.GAUGE),
    MEMORY_WORKING_SET("container_memory_working_set_bytes", "Current working set in bytes.", MetricType.GAUGE),
    MEMORY_RSS("container_memory_rss", "Size of RSS in bytes.", MetricType.GAUGE),
    MEMORY_CACHE("container_memory_cache", "Number of bytes of page cache memory.", MetricType.GAUGE),
    MEMORY_SWAP("container_memory_swap", "Container swap usage in bytes.", MetricType.GAUGE),
    MEMORY_FAILCNT("container_memory_failcnt", "Number of memory usage hits limits", MetricType.COUNTER),
    MEMORY_FAILURES("container_memory_failures_total", "Cumulative count of memory allocation failures.",
            MetricType.COUNTER, "failure_type", "scope"),
    OOM_EVENTS("container_oom_events_total", "Count of out of memory events observed for the container",
            MetricType.COUNTER),
    SPEC_MEMORY_LIMIT("container_spec_memory_limit_bytes", "Memory limit for the container.", MetricType.GAUGE),
    SPEC_MEMORY_SWAP_LIMIT("container_spec_memory_swap_limit_bytes", "Memory swap limit for the container.",
            MetricType.GAUGE),
    SPEC_CPU_SHARES("container_spec_cpu_shares", "CPU share of the container.", MetricType.GAUGE),
    SPEC_CPU_QUOTA("container_spec_cpu_quota", "CPU quota of the container.", MetricType.GAUGE),
    SPEC_CPU_PERIOD("container_spec_cpu_period", "CPU period of the container.", MetricType.GAUGE),
    PROCESSES("container_processes", "Number of processes running inside the container.", MetricType.GAUGE),
    FS_USAGE("container_fs_usage_bytes", "Number of bytes that are consumed by the container on this filesystem.",
            MetricType.GAUGE, "device"),
    NETWORK_RECEIVE_BYTES("container_network_receive_bytes_total", "Cumulative count of bytes received",
            MetricType.COUNTER, "interface"),
    NETWORK_RECEIVE_PACKETS("container_network_receive_packets_total", "Cumulative count of packets received",
            MetricType.COUNTER, "interface"),
    NETWORK_RECEIVE_ERRORS("container_network_receive_errors_total",
            "Cumulative count of errors encountered while receiving", MetricType.COUNTER, "interface"),
    NETWORK_RECEIVE_DROPPED("container_network_receive_packets_dropped_total",
            "Cumulative count of packets dropped while receiving", MetricType.COUNTER, "interface"),
    NETWORK_TRANSMIT_BYTES("container_network_transmit_bytes_total", "Cumulative count of bytes transmitted",
            MetricType.COUNTER, "interface"),
    NETWORK_TRANSMIT_PACKETS("container_network_transmit_packets_total", "Cumulative count of packets transmitted",
            MetricType.COUNTER, "interface"),
    NETWORK_TRANSMIT_ERRORS("container_network_transmit_errors_total",
            "Cumulative count of errors encountered while transmitting", MetricType.COUNTER, "interface"),
    NETWORK_TRANSMIT_DROPPED("container_network_transmit_packets_dropped_total",
            "Cumulative count of packets dropped while transmitting", MetricType.COUNTER, "interface"),
    START_TIME("container_start_time_seconds", "Start time of the container since unix epoch in seconds.",
            MetricType.GAUGE),
    LAST_SEEN("container_last_seen", "Last time a container was seen by the exporter", MetricType.GAUGE);

    /** The labels every cAdvisor container metric carries, in cAdvisor's order. */
    static final List<String> BASE_LABELS = List.of("container", "id", "image", "name", "namespace", "pod");

    private final String metricName;
    private final String help;
    private final MetricType type;
    private final List<String> extraLabels;

    CadvisorMetric(String metricName, String help, MetricType type, String... extraLabels) {
        this.metricName = metricName;
        this.help = help;
        this.type = type;
        this.extraLabels = List.of(extraLabels);
    }

    String metricName() {
        return metricName;
    }

    MetricType type() {
        return type;
    }

    /** The base labels, then the metric's own: the order label values are given in. */
    List<String> labelKeys() {
        List<String> keys = new ArrayList<>(BASE_LABELS);
        keys.addAll(extraLabels);
        return keys;
    }

    int extraLabelCount() {
        return extraLabels.size();
    }

    MetricDescriptor descriptor() {
        return MetricDescriptor.newBuilder().setName(metricName).setHelp(help).addAllLabelKeys(labelKeys()).build();
    }

    static List<MetricDescriptor> descriptors() {
        List<MetricDescriptor> all = new ArrayList<>();
        for (CadvisorMetric metric : values()) {
            all.add(metric.descriptor());
        }
        return all;
    }
}
