package dev.cortado.runtime.daemon;

import dev.cortado.image.content.ContentStore;
import dev.cortado.image.manifest.Platform;
import dev.cortado.image.pull.ImagePuller;
import dev.cortado.image.pull.LayerFetcher;
import dev.cortado.image.registry.RegistryClient;
import dev.cortado.image.service.ImageServiceImpl;
import dev.cortado.image.snapshot.SnapshotStore;
import dev.cortado.image.store.ImageCatalog;
import dev.cortado.image.store.ImageStore;
import dev.cortado.image.unpack.LayerUnpacker;
import dev.cortado.linux.Syscalls;
import dev.cortado.linux.MountApi;
import dev.cortado.linux.Namespaces;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.container.ContainerLifecycle;
import dev.cortado.runtime.container.ContainerManager;
import dev.cortado.runtime.container.ContainerRecord;
import dev.cortado.runtime.mount.OverlayMounter;
import dev.cortado.runtime.namespace.NamespacePinner;
import dev.cortado.runtime.network.NetworkConfigSource;
import dev.cortado.runtime.network.PodNetwork;
import dev.cortado.runtime.oci.HostFacts;
import dev.cortado.runtime.oci.SpecBuilder;
import dev.cortado.runtime.sandbox.SandboxManager;
import dev.cortado.runtime.sandbox.SandboxRecord;
import dev.cortado.runtime.sandbox.ShimPodInits;
import dev.cortado.runtime.state.RecordStore;
import dev.cortado.runtime.streaming.ContainerStreams;
import dev.cortado.runtime.stats.StatsCollector;
import dev.cortado.runtime.streaming.StreamBackend;
import dev.cortado.runtime.streaming.StreamTokens;
import dev.cortado.runtime.streaming.StreamingServer;
import dev.cortado.runtime.streaming.StreamingService;
import dev.cortado.runtime.streaming.portforward.NetnsDialer;
import dev.cortado.shim.ShimLauncher;
import dev.cortado.runtime.config.DaemonConfig;
import dev.cortado.runtime.service.RuntimeReadiness;
import dev.cortado.runtime.service.RuntimeServiceImpl;
import dev.cortado.runtime.events.ContainerEventHub;
import dev.cortado.runtime.metrics.MetricsEndpoint;
import dev.cortado.runtime.metrics.PullMetrics;
import dev.cortado.runtime.metrics.RpcLatency;
import dev.cortado.runtime.metrics.RuntimeGauges;
import io.prometheus.client.CollectorRegistry;
import dev.cortado.runtime.service.ContainerEventPublisher;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The running daemon: the stores, the services and the gRPC server on the CRI socket, with an
 * orderly stop that lets in-flight RPCs finish.
 */
final class Daemon implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());
    /** How long a stop waits for in-flight RPCs (a pull may be among them) before cutting them. */
    static final long STOP_GRACE_SECONDS = 60;
    static final int MAX_MESSAGE_BYTES = 16 << 20;
    /** How long one CNI plugin may run; the kubelet's own RunPodSandbox deadline is 4 minutes. */
    static final java.time.Duration PLUGIN_TIMEOUT = java.time.Duration.ofSeconds(60);

    private final DaemonConfig config;
    private final FileLock rootLock;
    private final RegistryClient registry;
    private final LayerFetcher fetcher;
    private final ContainerEventHub events;
    private final MetricsEndpoint metricsEndpoint;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService rpcThreads;
    private final Server server;
    private final ContainerStreams streams;
    private final StatsCollector stats;
    private final StreamingServer streaming;
    private final StreamBackend streamBackend;

    private Daemon(DaemonConfig config, FileLock rootLock, RegistryClient registry, LayerFetcher fetcher,
                   ContainerEventHub events, MetricsEndpoint metricsEndpoint, EventLoopGroup boss,
                   EventLoopGroup workers, ExecutorService rpcThreads, Server server, ContainerStreams streams,
                   StatsCollector stats, StreamingServer streaming, StreamBackend streamBackend) {
        this.streaming = streaming;
        this.streamBackend = streamBackend;
        this.config = config;
        this.rootLock = rootLock;
        this.registry = registry;
        this.fetcher = fetcher;
        this.events = events;
        this.metricsEndpoint = metricsEndpoint;
        this.boss = boss;
        this.workers = workers;
        this.rpcThreads = rpcThreads;
        this.server = server;
        this.streams = streams;
        this.stats = stats;
    }

    static Daemon start(DaemonConfig config, String version) throws StartupException, IOException {
        Preflight.requireOverlayfs(Path.of("/proc/filesystems"));
        Preflight.requireWritableDirectory(config.root(), "root");
        Preflight.requireWritableDirectory(config.state(), "state");
        Files.createDirectories(config.socket().getParent());
        Files.createDirectories(config.state().resolve("shims"));
        FileLock rootLock = Preflight.lockRoot(config.root());
        Preflight.claimSocket(config.socket());

        Path shimBinary = shimBinary();
        Syscalls syscalls = new Syscalls();
        Namespaces namespaces = new Namespaces();
        ContentStore content = new ContentStore(config.root());
        content.clearIngest();
        SnapshotStore snapshots = new SnapshotStore(config.root(), syscalls);
        ImageStore store = new ImageStore(content, snapshots, new ImageCatalog(config.root()));
        RegistryClient registry = new RegistryClient(RegistrySettingsMapping.toRegistryConfig(config.registries()));
        LayerUnpacker unpacker = new LayerUnpacker(syscalls, true);
        LayerFetcher fetcher = new LayerFetcher(content, snapshots, unpacker, config.maxConcurrentDownloads());
        CollectorRegistry metrics = new CollectorRegistry();
        ImagePuller puller = new ImagePuller(store, registry, fetcher, Platform.host(), new PullMetrics(metrics));

        CgroupLayout cgroups = CgroupLayout.detect();
        ShimLauncher launcher = new ShimLauncher(shimBinary);
        Path metadata = config.root().resolve("metadata");
        RecordStore<SandboxRecord> sandboxRecords = new RecordStore<>(metadata.resolve("sandboxes"), SandboxRecord.class);
        RecordStore<ContainerRecord> containerRecords = new RecordStore<>(metadata.resolve("containers"),
                ContainerRecord.class);
        PodNetwork network = new PodNetwork(new NetworkConfigSource(config.cni().confDir(), config.cni().binDirs()),
                config.state(), PLUGIN_TIMEOUT);
        SandboxManager sandboxes = new SandboxManager(sandboxRecords,
                new NamespacePinner(namespaces, syscalls, config.state()), cgroups, syscalls,
                new ShimPodInits(launcher, config.state()), config.state(), network);
        ContainerLifecycle lifecycle = new ContainerLifecycle(containerRecords, cgroups, namespaces);
        ContainerManager containers = new ContainerManager(config.root(), config.state(), store, sandboxes,
                new OverlayMounter(new MountApi(namespaces), syscalls), new SpecBuilder(HostFacts.current()), launcher,
                containerRecords, lifecycle, cgroups);
        ContainerEventHub events = new ContainerEventHub(ContainerEventHub.DEFAULT_BUFFER);
        lifecycle.addListener(new ContainerEventPublisher(events, sandboxes, containers));
        ContainerStreams streams = new ContainerStreams(containers, sandboxes);
        sandboxes.recover();
        containers.recover();
        store.collectGarbage();
        StatsCollector stats = new StatsCollector(cgroups, namespaces, config.root(), containers::all,
                writableLayerInterval());
        lifecycle.addListener(stats);

        metrics.register(new RuntimeGauges(sandboxes, containers));
        MetricsEndpoint endpoint = startMetrics(config, metrics);

        StreamTokens streamTokens = new StreamTokens();
        StreamBackend streamBackend = new StreamBackend(streams, new NetnsDialer(namespaces));
        StreamingServer streaming = StreamingServer.start(config.streamingAddress().socketAddress(),
                streamTokens, streamBackend);
        StreamingService streamingService = new StreamingService(streamTokens, streams, streaming::url);

        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, named("cri-accept"), EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, named("cri-io"), EpollIoHandler.newFactory());
        ExecutorService rpcThreads = Executors.newCachedThreadPool(named("cri-rpc"));
        Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(config.socket().toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .executor(rpcThreads)
                .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                .intercept(new RpcLatency(metrics))
                .addService(new ImageServiceImpl(store, puller, config.root()))
                .addService(new RuntimeServiceImpl(version, new RuntimeReadiness(config.toString(), network::state),
                        sandboxes, containers, lifecycle, events, stats, streamingService))
                .build()
                .start();
        Files.setPosixFilePermissions(config.socket(), PosixFilePermissions.fromString("rw-rw----"));
        LOG.info("cortado " + version + " serving CRI v1 on " + config.socket() + " (root " + config.root()
                + ", state " + config.state() + ", " + store.list().size() + " images, " + sandboxes.all().size()
                + " pods, " + containers.all().size() + " containers)");
        return new Daemon(config, rootLock, registry, fetcher, events, endpoint, boss, workers, rpcThreads, server,
                streams, stats, streaming, streamBackend);
    }

    private static MetricsEndpoint startMetrics(DaemonConfig config, CollectorRegistry metrics)
            throws StartupException {
        if (config.metrics() == null) {
            return null;
        }
        try {
            return MetricsEndpoint.start(config.metrics(), metrics);
        } catch (IOException e) {
            throw new StartupException("cannot serve metrics on " + config.metrics() + ": " + e.getMessage());
        }
    }

    /**
     * How often each writable layer is walked at most: {@code -Dcortado.stats.writableLayerIntervalMillis}
     * (tests shorten it), else {@link StatsCollector#DEFAULT_LAYER_INTERVAL}.
     */
    static java.time.Duration writableLayerInterval() {
        Long millis = Long.getLong("cortado.stats.writableLayerIntervalMillis");
        return millis != null && millis > 0 ? java.time.Duration.ofMillis(millis)
                : StatsCollector.DEFAULT_LAYER_INTERVAL;
    }

    /**
     * The shim binary: {@code -Dcortado.shim}, else {@code libexec/cortado-shim} of the
     * distribution the launcher runs from ({@code -Dcortado.home}).
     */
    static Path shimBinary() throws StartupException {
        String explicit = System.getProperty("cortado.shim");
        String home = System.getProperty("cortado.home");
        Path binary = explicit != null ? Path.of(explicit)
                : home != null ? Path.of(home, "libexec", "cortado-shim") : null;
        if (binary == null) {
            throw new StartupException("cannot find cortado-shim: start cortado with bin/cortado, or pass"
                    + " -Dcortado.shim=<path>");
        }
        if (!Files.isExecutable(binary)) {
            throw new StartupException("the shim " + binary + " is missing or not executable; rebuild cortado");
        }
        return binary;
    }

    /** Exec, attach and port-forward streams of this daemon's containers and pods (the streaming server's). */
    ContainerStreams containerStreams() {
        return streams;
    }

    void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Stops accepting calls, lets in-flight ones finish (within the grace period), then closes. */
    void stop() {
        LOG.info("stopping: no new calls accepted, waiting for in-flight calls");
        server.shutdown();
        // event streams never end by themselves: end them, or the stop would wait out its grace
        events.close();
        try {
            if (!server.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                LOG.warning("in-flight calls still running after " + STOP_GRACE_SECONDS + " s; cutting them");
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }

    @Override
    public void close() {
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        stats.close();
        streaming.close();
        streamBackend.close();
        fetcher.close();
        registry.close();
        rpcThreads.shutdownNow();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
            Files.deleteIfExists(config.socket());
            rootLock.release();
            rootLock.channel().close();
        } catch (IOException e) {
            LOG.warning("cleanup after stop: " + e.getMessage());
        }
        LOG.info("stopped");
    }

    private static ThreadFactory named(String job) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, job + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
