package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ContainerMetrics;
import dev.cortado.cri.v1.ContainerStats;
import dev.cortado.cri.v1.ListMetricDescriptorsRequest;
import dev.cortado.cri.v1.ListPodSandboxMetricsRequest;
import dev.cortado.cri.v1.ListPodSandboxStatsRequest;
import dev.cortado.cri.v1.Metric;
import dev.cortado.cri.v1.MetricDescriptor;
import dev.cortado.cri.v1.MetricType;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxMetrics;
import dev.cortado.cri.v1.PodSandboxStats;
import dev.cortado.cri.v1.PodSandboxStatsFilter;
import dev.cortado.cri.v1.PodSandboxStatsRequest;
import dev.cortado.cri.v1.StreamPodSandboxMetricsRequest;
import dev.cortado.cri.v1.StreamPodSandboxStatsRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Pod stats (the pod cgroup, its network, its containers) and the cAdvisor-named pod metrics. */
class PodStatsTest extends BusyboxDaemonTest {

    private static final List<String> CADVISOR_NAMES = List.of("container_cpu_usage_seconds_total",
            "container_memory_working_set_bytes", "container_memory_rss", "container_memory_usage_bytes",
            "container_memory_cache", "container_memory_swap", "container_memory_failcnt",
            "container_memory_failures_total", "container_spec_memory_limit_bytes", "container_spec_cpu_shares",
            "container_spec_cpu_quota", "container_spec_cpu_period", "container_processes",
            "container_network_receive_bytes_total", "container_network_transmit_bytes_total",
            "container_network_receive_errors_total", "container_network_transmit_errors_total",
            "container_network_receive_packets_total", "container_network_transmit_packets_total",
            "container_fs_usage_bytes", "container_last_seen", "container_oom_events_total",
            "container_start_time_seconds");

    PodStatsTest() {
        super("pod-stats", ContainerStatsTest.FAST_LAYER_WALK);
    }

    @Test
    void podStatsAggregateTheirContainers() throws Exception {
        PodSandboxConfig config = PodFixture.podConfig("agg").setLogDirectory(harness.dir().resolve("logs/agg")
                .toString()).putLabels("app", "agg").setLinux(pods.pod("agg").getLinux()).build();
        PodFixture.Pod pod = new PodFixture.Pod(pods.runPod(config), config);
        String burner = pods.run(pod, "burner", busybox.reference(), "sh", "-c", "while :; do :; done");
        String sleeper = pods.run(pod, "sleeper", busybox.reference(), "sleep", "1000");
        Thread.sleep(1000);

        PodSandboxStats stats = podStats(pod.id());
        assertEquals(pod.id(), stats.getAttributes().getId());
        assertEquals("agg", stats.getAttributes().getMetadata().getName());
        assertEquals("agg", stats.getAttributes().getLabelsMap().get("app"));
        Map<String, ContainerStats> byId = stats.getLinux().getContainersList().stream()
                .collect(Collectors.toMap(c -> c.getAttributes().getId(), Function.identity()));
        assertEquals(Set.of(burner, sleeper), byId.keySet());
        long podCpu = stats.getLinux().getCpu().getUsageCoreNanoSeconds().getValue();
        long burnerCpu = byId.get(burner).getCpu().getUsageCoreNanoSeconds().getValue();
        assertTrue(burnerCpu > 0, "the burner used CPU");
        assertTrue(podCpu >= burnerCpu, "the pod's CPU " + podCpu + " includes its container's " + burnerCpu);
        long podMemory = stats.getLinux().getMemory().getUsageBytes().getValue();
        long containersMemory = byId.values().stream().mapToLong(c -> c.getMemory().getUsageBytes().getValue()).sum();
        assertTrue(podMemory >= containersMemory, "pod memory " + podMemory + " vs containers " + containersMemory);
        assertTrue(stats.getLinux().getProcess().getProcessCount().getValue() >= 2, stats.getLinux().getProcess()
                .toString());
        assertTrue(stats.getLinux().hasNetwork(), "a pod with its own network namespace has network stats");
        assertTrue(stats.getLinux().getNetwork().getTimestamp() > 0);

        Thread.sleep(1100);
        PodSandboxStats again = podStats(pod.id());
        assertTrue(again.getLinux().getCpu().getUsageNanoCores().getValue() > 0, "the pod's CPU rate");
    }

    @Test
    void hostNetworkPodsHaveNoNetworkStatsAndListsFilter() {
        PodSandboxConfig host = PodFixture.podConfig("hostnet").setLogDirectory(harness.dir().resolve("logs/h")
                .toString()).putLabels("net", "host").setLinux(pods.pod("hostnet", NamespaceMode.NODE,
                        NamespaceMode.CONTAINER).getLinux()).build();
        String hostPod = pods.runPod(host);
        pods.run(new PodFixture.Pod(hostPod, host), "main", busybox.reference(), "sleep", "1000");
        PodFixture.Pod own = pods.startPod("ownnet");

        assertFalse(podStats(hostPod).getLinux().hasNetwork(), "a host-network pod reports no network");
        PodSandboxStats empty = podStats(own.id());
        assertTrue(empty.getLinux().hasNetwork(), "a pod with no process is read by joining its namespace");
        assertEquals(0, empty.getLinux().getContainersCount());
        assertEquals(Set.of(hostPod, own.id()), listedPods(PodSandboxStatsFilter.getDefaultInstance()));
        assertEquals(Set.of(hostPod), listedPods(PodSandboxStatsFilter.newBuilder().putLabelSelector("net", "host")
                .build()));
        assertEquals(Set.of(own.id()), listedPods(PodSandboxStatsFilter.newBuilder().setId(own.id()).build()));
        List<PodSandboxStats> streamed = new ArrayList<>();
        harness.runtime().streamPodSandboxStats(StreamPodSandboxStatsRequest.newBuilder().setFilter(
                PodSandboxStatsFilter.newBuilder().putLabelSelector("net", "host")).build())
                .forEachRemaining(page -> streamed.addAll(page.getPodSandboxStatsList()));
        assertEquals(List.of(hostPod), streamed.stream().map(s -> s.getAttributes().getId()).toList());
        assertEquals(1, streamed.get(0).getLinux().getContainersCount());
    }

    @Test
    void metricDescriptorsAndPodMetricsUseCadvisorNames() {
        List<MetricDescriptor> descriptors = harness.runtime().listMetricDescriptors(
                ListMetricDescriptorsRequest.getDefaultInstance()).getDescriptorsList();
        Map<String, MetricDescriptor> byName = descriptors.stream()
                .collect(Collectors.toMap(MetricDescriptor::getName, Function.identity()));
        for (String name : CADVISOR_NAMES) {
            assertTrue(byName.containsKey(name), "descriptor " + name + " missing from " + byName.keySet());
            assertFalse(byName.get(name).getHelp().isBlank(), name + " has help");
            assertTrue(byName.get(name).getLabelKeysList().containsAll(List.of("container", "id", "image", "name",
                    "namespace", "pod")), name + " labels " + byName.get(name).getLabelKeysList());
        }
        assertTrue(byName.get("container_network_receive_bytes_total").getLabelKeysList().contains("interface"));

        PodFixture.Pod pod = pods.startPod("metrics");
        String id = pods.run(pod, "app", busybox.reference(), "sh", "-c", "while :; do :; done");
        List<PodSandboxMetrics> all = harness.runtime().listPodSandboxMetrics(
                ListPodSandboxMetricsRequest.getDefaultInstance()).getPodMetricsList();
        PodSandboxMetrics podMetrics = all.stream().filter(m -> m.getPodSandboxId().equals(pod.id())).findFirst()
                .orElseThrow(() -> new AssertionError("no metrics for pod " + pod.id() + ": " + all));
        assertFalse(podMetrics.getMetricsList().isEmpty(), "the pod's own cgroup has metrics");
        ContainerMetrics container = podMetrics.getContainerMetricsList().stream()
                .filter(c -> c.getContainerId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no metrics for container " + id + ": " + podMetrics));
        for (Metric metric : container.getMetricsList()) {
            MetricDescriptor descriptor = byName.get(metric.getName());
            assertNotNull(descriptor, "metric " + metric.getName() + " has no descriptor");
            assertEquals(descriptor.getLabelKeysCount(), metric.getLabelValuesCount(), metric.toString());
            assertTrue(metric.getTimestamp() > 0);
        }
        Metric workingSet = only(container, "container_memory_working_set_bytes");
        assertTrue(workingSet.getValue().getValue() > 0);
        assertEquals(MetricType.GAUGE, workingSet.getMetricType());
        assertEquals(List.of("app", id, "default", "metrics"), List.of(workingSet.getLabelValues(0),
                workingSet.getLabelValues(3), workingSet.getLabelValues(4), workingSet.getLabelValues(5)));
        assertEquals(MetricType.COUNTER, only(container, "container_cpu_usage_seconds_total").getMetricType());
        assertTrue(only(container, "container_start_time_seconds").getValue().getValue() > 1_600_000_000L);

        List<PodSandboxMetrics> streamed = new ArrayList<>();
        harness.runtime().streamPodSandboxMetrics(StreamPodSandboxMetricsRequest.getDefaultInstance())
                .forEachRemaining(page -> streamed.addAll(page.getPodSandboxMetricsList()));
        assertTrue(streamed.stream().anyMatch(m -> m.getPodSandboxId().equals(pod.id())));
    }

    private static Metric only(ContainerMetrics container, String name) {
        List<Metric> found = container.getMetricsList().stream().filter(m -> m.getName().equals(name)).toList();
        assertEquals(1, found.size(), name + " in " + container);
        return found.get(0);
    }

    private PodSandboxStats podStats(String id) {
        return harness.runtime().podSandboxStats(PodSandboxStatsRequest.newBuilder().setPodSandboxId(id).build())
                .getStats();
    }

    private Set<String> listedPods(PodSandboxStatsFilter filter) {
        return harness.runtime().listPodSandboxStats(ListPodSandboxStatsRequest.newBuilder().setFilter(filter)
                .build()).getStatsList().stream().map(s -> s.getAttributes().getId()).collect(Collectors.toSet());
    }
}
