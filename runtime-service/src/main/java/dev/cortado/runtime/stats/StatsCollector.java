package dev.cortado.runtime.stats;

import dev.cortado.cri.v1.ContainerAttributes;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ContainerMetrics;
import dev.cortado.cri.v1.ContainerStats;
import dev.cortado.cri.v1.CpuUsage;
import dev.cortado.cri.v1.FilesystemIdentifier;
import dev.cortado.cri.v1.FilesystemUsage;
import dev.cortado.cri.v1.IoUsage;
import dev.cortado.cri.v1.LinuxPodSandboxStats;
import dev.cortado.cri.v1.MemoryUsage;
import dev.cortado.cri.v1.MetricDescriptor;
import dev.cortado.cri.v1.NetworkInterfaceUsage;
import dev.cortado.cri.v1.NetworkUsage;
import dev.cortado.cri.v1.PodSandboxAttributes;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxMetrics;
import dev.cortado.cri.v1.PodSandboxStats;
import dev.cortado.cri.v1.ProcessUsage;
import dev.cortado.cri.v1.SwapUsage;
import dev.cortado.linux.Namespaces;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.container.Container;
import dev.cortado.runtime.container.ContainerListener;
import dev.cortado.runtime.container.ContainerRecord;
import dev.cortado.runtime.sandbox.Sandbox;
import dev.cortado.runtime.sandbox.SandboxRecord;
import dev.cortado.runtime.state.Ids;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Stats and cAdvisor metrics of containers and pods, read from their cgroups, the pod's network
 * namespace and the cached writable-layer usage. Told of container removals so that their
 * remembered CPU readings and layer usage go with them.
 */
public final class StatsCollector implements ContainerListener, AutoCloseable {

    public static final Duration DEFAULT_LAYER_INTERVAL = Duration.ofSeconds(10);
    /** Containers and pods whose last CPU reading is remembered; the oldest is dropped beyond. */
    static final int REMEMBERED_READINGS = 8192;
    static final long MIN_RATE_WINDOW_NANOS = 1_000_000_000L;
    /** Pod readings share the map with containers' (keyed by container id) under this prefix. */
    private static final String POD_KEY = "pod/";

    private final CgroupSampler sampler;
    private final Pressure pressure;
    private final Path fsMountpoint;
    private final CpuRates rates = new CpuRates(REMEMBERED_READINGS, MIN_RATE_WINDOW_NANOS);
    private final WritableLayerUsage layers;
    private final PodNetwork network;

    /**
     * @param fsMountpoint  the filesystem holding writable layers, as ImageFsInfo names it
     * @param containers    every container the daemon has, for the background layer walk
     * @param layerInterval how often each writable layer is walked at most
     */
    public StatsCollector(CgroupLayout layout, Namespaces namespaces, Path fsMountpoint,
                          Supplier<Collection<Container>> containers, Duration layerInterval) {
        this.sampler = new CgroupSampler(layout);
        this.pressure = new Pressure(layout);
        this.network = new PodNetwork(Path.of("/proc"), namespaces);
        this.fsMountpoint = fsMountpoint;
        this.layers = new WritableLayerUsage(() -> upperDirs(containers.get()), layerInterval);
    }

    private static Map<String, Path> upperDirs(Collection<Container> containers) {
        Map<String, Path> dirs = new LinkedHashMap<>();
        for (Container container : containers) {
            dirs.put(container.id(), container.paths().upper());
        }
        return dirs;
    }

    public static List<MetricDescriptor> descriptors() {
        return CadvisorMetric.descriptors();
    }

    public ContainerStats containerStats(Container container) {
        long now = Ids.nowNanos();
        ContainerRecord record = container.record();
        CgroupSample sample = sampler.sample(record.cgroup(), now);
        ContainerStats.Builder stats = ContainerStats.newBuilder()
                .setAttributes(attributes(container))
                .setCpu(cpu(container.id(), sample, record.cgroup()))
                .setMemory(memory(sample, record.cgroup()));
        swap(sample).ifPresent(stats::setSwap);
        io(sample.timestamp(), record.cgroup()).ifPresent(stats::setIo);
        layers.usage(container.id(), container.paths().upper()).ifPresent(usage -> stats.setWritableLayer(
                FilesystemUsage.newBuilder()
                        .setTimestamp(usage.timestamp())
                        .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(fsMountpoint.toString()))
                        .setUsedBytes(UInt64s.of(usage.bytes()))
                        .setInodesUsed(UInt64s.of(usage.inodes()))));
        return stats.build();
    }

    /** The pod's own cgroup (all its containers together), its network, and each container. */
    public PodSandboxStats podStats(Sandbox sandbox, List<Container> containers) {
        // the containers first: read after them, the pod's cumulative counters include theirs
        List<ContainerStats> members = new ArrayList<>();
        for (Container container : containers) {
            members.add(containerStats(container));
        }
        long now = Ids.nowNanos();
        SandboxRecord record = sandbox.record();
        CgroupSample sample = sampler.sample(record.cgroup(), now);
        LinuxPodSandboxStats.Builder linux = LinuxPodSandboxStats.newBuilder()
                .setCpu(cpu(podKey(sandbox), sample, record.cgroup()))
                .setMemory(memory(sample, record.cgroup()));
        io(now, record.cgroup()).ifPresent(linux::setIo);
        if (sample.processes() != null) {
            linux.setProcess(ProcessUsage.newBuilder().setTimestamp(now)
                    .setProcessCount(UInt64s.of(sample.processes())));
        }
        List<InterfaceCounters> interfaces = interfaces(sandbox, containers);
        if (interfaces != null) {
            linux.setNetwork(networkUsage(now, interfaces));
        }
        linux.addAllContainers(members);
        return PodSandboxStats.newBuilder().setAttributes(attributes(sandbox)).setLinux(linux).build();
    }

    /** cAdvisor-named metrics of the pod's cgroup and network (container label "") and of each container. */
    public PodSandboxMetrics podMetrics(Sandbox sandbox, List<Container> containers) {
        long now = Ids.nowNanos();
        SandboxRecord record = sandbox.record();
        PodSandboxConfig config = sandbox.config();
        String namespace = config.getMetadata().getNamespace();
        String podName = config.getMetadata().getName();
        MetricValues pod = new MetricValues(List.of("", record.cgroup(), "", sandbox.id(), namespace, podName), now);
        pod.addCgroup(sampler.sample(record.cgroup(), now));
        List<InterfaceCounters> interfaces = interfaces(sandbox, containers);
        if (interfaces != null) {
            pod.addNetwork(interfaces);
        }
        PodSandboxMetrics.Builder metrics = PodSandboxMetrics.newBuilder()
                .setPodSandboxId(sandbox.id())
                .addAllMetrics(pod.metrics());
        for (Container container : containers) {
            ContainerRecord c = container.record();
            ContainerConfig cc = container.config();
            MetricValues values = new MetricValues(List.of(cc.getMetadata().getName(), c.cgroup(),
                    cc.getImage().getImage(), c.id(), namespace, podName), now);
            values.addCgroup(sampler.sample(c.cgroup(), now));
            layers.usage(c.id(), container.paths().upper()).ifPresent(usage ->
                    values.add(CadvisorMetric.FS_USAGE, usage.bytes(), fsMountpoint.toString()));
            if (c.startedAt() > 0) {
                values.add(CadvisorMetric.START_TIME, c.startedAt() / 1_000_000_000L);
            }
            values.add(CadvisorMetric.LAST_SEEN, now / 1_000_000_000L);
            metrics.addContainerMetrics(ContainerMetrics.newBuilder().setContainerId(c.id())
                    .addAllMetrics(values.metrics()));
        }
        return metrics.build();
    }

    private CpuUsage cpu(String key, CgroupSample sample, String cgroup) {
        CpuUsage.Builder cpu = CpuUsage.newBuilder().setTimestamp(sample.timestamp());
        pressure.cpu(cgroup).ifPresent(cpu::setPsi);
        if (sample.cpuNanos() != null) {
            cpu.setUsageCoreNanoSeconds(UInt64s.of(sample.cpuNanos()));
            Long rate = rates.rate(key, sample.timestamp(), sample.cpuNanos());
            if (rate != null) {
                cpu.setUsageNanoCores(UInt64s.of(rate));
            }
        }
        return cpu.build();
    }

    private MemoryUsage memory(CgroupSample sample, String cgroup) {
        MemoryUsage.Builder memory = MemoryUsage.newBuilder().setTimestamp(sample.timestamp());
        pressure.memory(cgroup).ifPresent(memory::setPsi);
        set(sample.workingSet(), memory::setWorkingSetBytes);
        set(sample.availableBytes(), memory::setAvailableBytes);
        set(sample.memoryUsage(), memory::setUsageBytes);
        set(sample.rss(), memory::setRssBytes);
        set(sample.pageFaults(), memory::setPageFaults);
        set(sample.majorPageFaults(), memory::setMajorPageFaults);
        return memory.build();
    }

    private Optional<IoUsage> io(long timestamp, String cgroup) {
        return pressure.io(cgroup).map(psi -> IoUsage.newBuilder().setTimestamp(timestamp).setPsi(psi).build());
    }

    private static Optional<SwapUsage> swap(CgroupSample sample) {
        if (sample.swapUsage() == null) {
            return Optional.empty();
        }
        SwapUsage.Builder swap = SwapUsage.newBuilder().setTimestamp(sample.timestamp())
                .setSwapUsageBytes(UInt64s.of(sample.swapUsage()));
        set(sample.swapAvailable(), swap::setSwapAvailableBytes);
        return Optional.of(swap.build());
    }

    private static void set(Long value, java.util.function.Consumer<dev.cortado.cri.v1.UInt64Value> setter) {
        if (value != null) {
            setter.accept(UInt64s.of(value));
        }
    }

    /** Null for host-network pods and pods whose network namespace is gone. */
    private List<InterfaceCounters> interfaces(Sandbox sandbox, List<Container> containers) {
        SandboxRecord record = sandbox.record();
        if (sandbox.hostNetwork() || !record.ready() || record.namespaces() == null
                || record.namespaces().net() == null) {
            return null;
        }
        List<Long> pids = new ArrayList<>();
        pids.add((long) record.podInitPid());
        for (Container container : containers) {
            if (container.running()) {
                pids.add(container.record().initPid());
            }
        }
        return network.read(Path.of(record.namespaces().net()), pids);
    }

    private static NetworkUsage networkUsage(long now, List<InterfaceCounters> interfaces) {
        NetworkUsage.Builder usage = NetworkUsage.newBuilder().setTimestamp(now);
        InterfaceCounters chosen = null;
        for (InterfaceCounters c : interfaces) {
            usage.addInterfaces(interfaceUsage(c));
            if (chosen == null || c.name().equals(PodNetwork.DEFAULT_INTERFACE)
                    && !chosen.name().equals(PodNetwork.DEFAULT_INTERFACE)) {
                chosen = c;
            }
        }
        if (chosen != null) {
            usage.setDefaultInterface(interfaceUsage(chosen));
        }
        return usage.build();
    }

    private static NetworkInterfaceUsage interfaceUsage(InterfaceCounters c) {
        return NetworkInterfaceUsage.newBuilder()
                .setName(c.name())
                .setRxBytes(UInt64s.of(c.rxBytes()))
                .setRxErrors(UInt64s.of(c.rxErrors()))
                .setTxBytes(UInt64s.of(c.txBytes()))
                .setTxErrors(UInt64s.of(c.txErrors()))
                .build();
    }

    private static ContainerAttributes attributes(Container container) {
        ContainerConfig config = container.config();
        return ContainerAttributes.newBuilder()
                .setId(container.id())
                .setMetadata(config.getMetadata())
                .putAllLabels(config.getLabelsMap())
                .putAllAnnotations(config.getAnnotationsMap())
                .build();
    }

    private static PodSandboxAttributes attributes(Sandbox sandbox) {
        PodSandboxConfig config = sandbox.config();
        return PodSandboxAttributes.newBuilder()
                .setId(sandbox.id())
                .setMetadata(config.getMetadata())
                .putAllLabels(config.getLabelsMap())
                .putAllAnnotations(config.getAnnotationsMap())
                .build();
    }

    private static String podKey(Sandbox sandbox) {
        return POD_KEY + sandbox.id();
    }

    /**
     * Pods are not announced on removal: given every pod there is, the readings of the others
     * go (the bounded map caps them meanwhile).
     */
    public void retainPods(java.util.Set<String> sandboxIds) {
        rates.retain(key -> !key.startsWith(POD_KEY) || sandboxIds.contains(key.substring(POD_KEY.length())));
    }

    @Override
    public void changed(Container container, Change change) {
        if (change == Change.DELETED) {
            rates.forget(container.id());
            layers.forget(container.id());
        }
    }

    @Override
    public void close() {
        layers.close();
    }
}
