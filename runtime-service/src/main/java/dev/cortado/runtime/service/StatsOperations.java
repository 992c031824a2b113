package dev.cortado.runtime.service;

import dev.cortado.cri.v1.ContainerStats;
import dev.cortado.cri.v1.ContainerStatsFilter;
import dev.cortado.cri.v1.PodSandboxMetrics;
import dev.cortado.cri.v1.PodSandboxStats;
import dev.cortado.cri.v1.PodSandboxStatsFilter;
import dev.cortado.runtime.container.Container;
import dev.cortado.runtime.container.ContainerManager;
import dev.cortado.runtime.sandbox.Sandbox;
import dev.cortado.runtime.sandbox.SandboxManager;
import dev.cortado.runtime.stats.StatsCollector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The stats and metrics RPCs: which containers and pods to report, the collector says what. */
final class StatsOperations {

    private final SandboxManager sandboxes;
    private final ContainerManager containers;
    private final StatsCollector stats;

    StatsOperations(SandboxManager sandboxes, ContainerManager containers, StatsCollector stats) {
        this.sandboxes = sandboxes;
        this.containers = containers;
        this.stats = stats;
    }

    /** NOT_FOUND for an unknown container (ContainerManager.get's answer). */
    ContainerStats container(String id) {
        return stats.containerStats(containers.get(id));
    }

    List<ContainerStats> containers(ContainerStatsFilter filter) {
        List<Container> chosen = new ArrayList<>();
        for (Container container : containers.all()) {
            if (!filter.getId().isEmpty() && !container.id().startsWith(filter.getId())) {
                continue;
            }
            if (!filter.getPodSandboxId().isEmpty()
                    && !container.record().sandboxId().startsWith(filter.getPodSandboxId())) {
                continue;
            }
            if (!LabelSelector.matches(filter.getLabelSelectorMap(), container.config().getLabelsMap())) {
                continue;
            }
            chosen.add(container);
        }
        chosen.sort(Comparator.comparingLong(c -> c.record().createdAt()));
        List<ContainerStats> items = new ArrayList<>();
        for (Container container : chosen) {
            items.add(stats.containerStats(container));
        }
        return items;
    }

    /** NOT_FOUND for an unknown pod (SandboxManager.get's answer). */
    PodSandboxStats pod(String id) {
        Sandbox sandbox = sandboxes.get(id);
        return stats.podStats(sandbox, containersOf(sandbox));
    }

    List<PodSandboxStats> pods(PodSandboxStatsFilter filter) {
        if (filter.getId().isEmpty() && filter.getLabelSelectorCount() == 0) {
            stats.retainPods(sandboxes.all().stream().map(Sandbox::id).collect(java.util.stream.Collectors.toSet()));
        }
        List<PodSandboxStats> items = new ArrayList<>();
        for (Sandbox sandbox : chosenPods(filter.getId(), filter)) {
            items.add(stats.podStats(sandbox, containersOf(sandbox)));
        }
        return items;
    }

    List<PodSandboxMetrics> metrics() {
        List<PodSandboxMetrics> items = new ArrayList<>();
        for (Sandbox sandbox : chosenPods("", PodSandboxStatsFilter.getDefaultInstance())) {
            items.add(stats.podMetrics(sandbox, containersOf(sandbox)));
        }
        return items;
    }

    private List<Sandbox> chosenPods(String idPrefix, PodSandboxStatsFilter filter) {
        List<Sandbox> chosen = new ArrayList<>();
        for (Sandbox sandbox : sandboxes.all()) {
            if (!idPrefix.isEmpty() && !sandbox.id().startsWith(idPrefix)) {
                continue;
            }
            if (!LabelSelector.matches(filter.getLabelSelectorMap(), sandbox.config().getLabelsMap())) {
                continue;
            }
            chosen.add(sandbox);
        }
        chosen.sort(Comparator.comparingLong(s -> s.record().createdAt()));
        return chosen;
    }

    private List<Container> containersOf(Sandbox sandbox) {
        List<Container> list = new ArrayList<>(containers.inSandbox(sandbox.id()));
        list.sort(Comparator.comparingLong(c -> c.record().createdAt()));
        return list;
    }
}
