package dev.cortado.runtime.metrics;

import dev.cortado.runtime.container.Container;
import dev.cortado.runtime.container.ContainerManager;
import dev.cortado.runtime.container.ContainerRecord;
import dev.cortado.runtime.sandbox.Sandbox;
import dev.cortado.runtime.sandbox.SandboxManager;
import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pods and containers by state and the shim processes alive, counted when Prometheus scrapes. */
public final class RuntimeGauges extends Collector {

    private final SandboxManager sandboxes;
    private final ContainerManager containers;

    public RuntimeGauges(SandboxManager sandboxes, ContainerManager containers) {
        this.sandboxes = sandboxes;
        this.containers = containers;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        Map<String, Integer> containerStates = new LinkedHashMap<>();
        for (String state : List.of(ContainerRecord.CREATED, ContainerRecord.RUNNING, ContainerRecord.EXITED)) {
            containerStates.put(state.toLowerCase(), 0);
        }
        int containerShims = 0;
        for (Container container : containers.all()) {
            ContainerRecord record = container.record();
            containerStates.merge(record.state().toLowerCase(), 1, Integer::sum);
            if (alive(record.shimPid())) {
                containerShims++;
            }
        }
        int ready = 0;
        int notReady = 0;
        int podShims = 0;
        for (Sandbox sandbox : sandboxes.all()) {
            if (sandbox.ready()) {
                ready++;
            } else {
                notReady++;
            }
            if (sandbox.ready() && alive(sandbox.record().podInitPid())) {
                podShims++;
            }
        }
        GaugeMetricFamily containerGauge = new GaugeMetricFamily("cortado_containers",
                "Containers known to the runtime, by state.", List.of("state"));
        containerStates.forEach((state, count) -> containerGauge.addMetric(List.of(state), count));
        GaugeMetricFamily podGauge = new GaugeMetricFamily("cortado_pods",
                "Pod sandboxes known to the runtime, by state.", List.of("state"));
        podGauge.addMetric(List.of("ready"), ready);
        podGauge.addMetric(List.of("notready"), notReady);
        GaugeMetricFamily shimGauge = new GaugeMetricFamily("cortado_shims",
                "Shim processes alive: one per container not yet cleaned up, one per pod with its own init.",
                List.of("kind"));
        shimGauge.addMetric(List.of("container"), containerShims);
        shimGauge.addMetric(List.of("pod"), podShims);
        return List.of(containerGauge, podGauge, shimGauge);
    }

    private static boolean alive(long pid) {
        return pid > 0 && Files.exists(Path.of("/proc", Long.toString(pid)));
    }
}
