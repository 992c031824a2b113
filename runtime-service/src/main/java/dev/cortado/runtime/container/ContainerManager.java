package dev.cortado.runtime.container;

import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.LinuxContainerResources;
import dev.cortado.cri.v1.Mount;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.Signal;
import dev.cortado.image.manifest.ExecutionConfig;
import dev.cortado.image.manifest.ImageConfig;
import dev.cortado.image.snapshot.FileTrees;
import dev.cortado.image.snapshot.Snapshot;
import dev.cortado.image.snapshot.SnapshotStore;
import dev.cortado.image.store.ImageRecord;
import dev.cortado.image.store.ImageStore;
import dev.cortado.image.content.Digest;
import dev.cortado.rpc.CriException;
import dev.cortado.runtime.cgroup.Cgroup;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.cgroup.DeviceAccess;
import dev.cortado.runtime.metrics.Phases;
import dev.cortado.runtime.mount.OverlayMounter;
import dev.cortado.runtime.oci.BuiltSpec;
import dev.cortado.runtime.oci.ContainerRequest;
import dev.cortado.runtime.oci.ContainerSpec;
import dev.cortado.runtime.oci.SpecBuilder;
import dev.cortado.runtime.sandbox.Sandbox;
import dev.cortado.runtime.sandbox.SandboxManager;
import dev.cortado.runtime.state.Ids;
import dev.cortado.runtime.state.RecordStore;
import dev.cortado.shim.ShimClient;
import dev.cortado.shim.ShimCreateRequest;
import dev.cortado.shim.ShimHandle;
import dev.cortado.shim.ShimLauncher;
import dev.cortado.shim.plan.InitPlanWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.image.metadata.AtomicFiles;
import dev.cortado.image.metadata.Json;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Creates and removes containers: root filesystem (overlay of the image's snapshots, an init
 * layer and a writable layer), cgroup, spec and init plan, and the shim that runs them. Their
 * life afterwards (start, stop, exits) is {@link ContainerLifecycle}'s.
 */
public final class ContainerManager {

    private static final Logger LOG = Logger.getLogger(ContainerManager.class.getName());
    static final long CONFIG_CAP = 8L << 20;

    private final Path root;
    private final Path state;
    private final ImageStore images;
    private final SandboxManager sandboxes;
    private final OverlayMounter overlays;
    private final SpecBuilder specs;
    private final ShimLauncher launcher;
    private final RecordStore<ContainerRecord> records;
    private final ContainerLifecycle lifecycle;
    private final CgroupLayout cgroups;
    private final LiveResources resources;
    private final ObjectMapper json = Json.newMapper();
    private final InitPlanWriter planWriter = new InitPlanWriter();
    private final ContainerExec exec = new ContainerExec(this::spec);
    private final Map<String, Container> containers = new ConcurrentHashMap<>();
    /** sandbox id + "/" + name + "/" + attempt to the container id holding it. */
    private final Map<String, String> names = new ConcurrentHashMap<>();

    public ContainerManager(Path root, Path state, ImageStore images, SandboxManager sandboxes,
                            OverlayMounter overlays, SpecBuilder specs, ShimLauncher launcher,
                            RecordStore<ContainerRecord> records, ContainerLifecycle lifecycle, CgroupLayout cgroups) {
        this.root = root;
        this.state = state;
        this.images = images;
        this.sandboxes = sandboxes;
        this.overlays = overlays;
        this.specs = specs;
        this.launcher = launcher;
        this.records = records;
        this.lifecycle = lifecycle;
        this.cgroups = cgroups;
        this.resources = new LiveResources(records, cgroups);
        images.addSnapshotRoots(this::chainsInUse);
    }

    private Set<Digest> chainsInUse() {
        Set<Digest> inUse = new HashSet<>();
        for (Container container : containers.values()) {
            inUse.add(Digest.parse(container.record().topChainId()));
        }
        return inUse;
    }

    public Container create(String sandboxId, ContainerConfig config, PodSandboxConfig requestSandboxConfig)
            throws IOException {
        Phases phases = new Phases();
        Sandbox sandbox = sandboxes.get(sandboxId);
        if (!sandbox.ready()) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "pod sandbox " + sandbox.id() + " ("
                    + sandbox.describe() + ") is not ready");
        }
        if (!config.hasMetadata() || config.getMetadata().getName().isBlank()) {
            throw CriException.invalid("config.metadata.name is required");
        }
        if (config.getImage().getImage().isBlank()) {
            throw CriException.invalid("config.image.image is required");
        }
        ImageRecord image = images.resolve(config.getImage().getImage()).orElseThrow(() ->
                CriException.notFound("image \"" + config.getImage().getImage() + "\" not found: pull it first"));
        PodSandboxConfig podConfig = sandbox.config();
        String logPath = logPath(podConfig, config);
        String name = sandbox.id() + "/" + config.getMetadata().getName() + "/" + config.getMetadata().getAttempt();
        String id = Ids.newId();
        String holder = names.putIfAbsent(name, id);
        if (holder != null) {
            throw new CriException(Status.Code.ALREADY_EXISTS, "container name \"" + config.getMetadata().getName()
                    + "\" (attempt " + config.getMetadata().getAttempt() + ") is already used by container " + holder
                    + " in pod " + sandbox.describe());
        }
        ContainerPaths paths = ContainerPaths.of(root, state, id);
        Cgroup cgroup = sandboxes.cgroupOf(sandbox).child(id);
        ContainerRecord record = new ContainerRecord(id, sandbox.id(), config.toByteArray(), image.id().toString(),
                imageRef(image), image.topChainId().toString(), ContainerRecord.CREATED, Ids.nowNanos(), 0, 0, 0,
                "", "", logPath, cgroup.path(), 0, 0, 0, 0, List.of());
        Container container = new Container(record, paths, new ShimClient(paths.shimSocket()));
        containers.put(id, container);
        try {
            phases.mark("lookup");
            records.save(id, record);
            List<Snapshot> chain = images.snapshots().chain(image.topChainId());
            prepareLayers(paths, sandbox, config, chain);
            phases.mark("record+layers");
            mountRootfs(paths, chain);
            phases.mark("mount");
            cgroup.create();
            phases.mark("cgroup");
            BuiltSpec built = specs.build(request(container, sandbox, image));
            container.spec(built.spec());
            DeviceAccess.apply(cgroup, cgroups, built.spec().deviceRules());
            phases.mark("spec");
            resources.applyAtCreate(cgroup, built.spec().resources());
            phases.mark("limits");
            AtomicFiles.writeVolatile(paths.configJson(), json.writeValueAsBytes(built.config()));
            AtomicFiles.writeVolatile(paths.plan(), planWriter.encode(built.plan()));
            if (!logPath.isEmpty()) {
                Files.createDirectories(Path.of(logPath).getParent());
            }
            phases.mark("bundle");
            ShimHandle handle = launcher.create(new ShimCreateRequest(id, paths.bundle(), paths.plan(),
                    paths.shimSocket(), logPath.isEmpty() ? null : Path.of(logPath), paths.exitFile()));
            phases.mark("shim");
            record = record.created(handle.shimPid(), handle.initPid())
                    .withUser(built.spec().user().uid(), built.spec().user().gid(),
                            built.spec().user().additionalGids());
            LOG.fine(() -> "container " + id.substring(0, 12) + " create phases: " + phases);
            container.update(record);
            records.save(id, record);
        } catch (IOException | RuntimeException e) {
            try {
                destroy(container);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        lifecycle.watch(container);
        lifecycle.announce(container, ContainerListener.Change.CREATED);
        LOG.info("container created: " + container.describe() + " in pod " + sandbox.describe() + " image "
                + config.getImage().getImage());
        return container;
    }

    private ContainerRequest request(Container container, Sandbox sandbox, ImageRecord image) throws IOException {
        ContainerRecord record = container.record();
        ExecutionConfig execution = imageConfig(container, image).config();
        // the image config is at hand: settle the stop signal now, not on the first status call
        container.stopSignal(() -> StopSignals.resolve(container.config().getStopSignal(), execution.stopSignal()));
        Cgroup cgroup = new Cgroup(cgroups, record.cgroup());
        return new ContainerRequest(record.id(), sandbox.id(), container.config(), sandbox.config(), execution,
                container.paths().rootfs(), ContainerNamespaces.of(sandbox, container.config(), this::pidNamespaceOf),
                ContainerNamespaces.podFiles(sandbox), ContainerNamespaces.placement(cgroup, cgroups),
                record.logPath().isEmpty() ? null : Path.of(record.logPath()));
    }

    /** The container's spec: kept from create, or decided again after a daemon restart. */
    ContainerSpec spec(Container container) throws IOException {
        ContainerSpec known = container.spec();
        if (known != null) {
            return known;
        }
        ImageRecord image = images.list().stream().filter(i -> i.id().toString().equals(container.record().imageId()))
                .findFirst().orElse(null);
        if (image == null && !Files.exists(container.paths().imageConfig())) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "the image of container " + container.describe()
                    + " was removed and its config was not kept; its settings cannot be rebuilt");
        }
        ContainerSpec rebuilt = specs.describe(request(container, sandboxes.get(container.record().sandboxId()), image));
        container.spec(rebuilt);
        return rebuilt;
    }

    private void prepareLayers(ContainerPaths paths, Sandbox sandbox, ContainerConfig config, List<Snapshot> chain)
            throws IOException {
        Files.createDirectories(paths.upper());
        Files.createDirectories(paths.work());
        Files.createDirectories(paths.rootfs());
        List<InitLayer.Copy> files = new ArrayList<>();
        files.add(new InitLayer.Copy("etc/hostname", sandbox.files().hostname()));
        files.add(new InitLayer.Copy("etc/resolv.conf", sandbox.files().resolvConf()));
        if (!mountsOver(config, "/etc/hosts")) {
            files.add(new InitLayer.Copy("etc/hosts", sandbox.files().hosts()));
        }
        List<Path> layerDirs = chain.stream().map(images.snapshots()::fs).toList();
        InitLayer.write(paths.init(), files, layerDirs);
    }

    private void mountRootfs(ContainerPaths paths, List<Snapshot> chain) throws IOException {
        SnapshotStore snapshots = images.snapshots();
        List<Path> lowers = new ArrayList<>();
        List<Path> shortLowers = new ArrayList<>();
        lowers.add(paths.init());
        shortLowers.add(paths.init());
        for (Snapshot snapshot : chain) {
            lowers.add(snapshots.fs(snapshot));
            shortLowers.add(snapshots.linkDirectory().resolve(snapshots.shortPath(snapshot)));
        }
        overlays.mount(lowers, shortLowers, paths.upper(), paths.work(), paths.rootfs());
    }

    private static boolean mountsOver(ContainerConfig config, String containerPath) {
        for (Mount mount : config.getMountsList()) {
            if (Path.of(mount.getContainerPath()).normalize().toString().equals(containerPath)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The image's config: kept in the bundle at create, so that the container's settings can be
     * decided again after a restart even if the image was removed meanwhile.
     */
    private ImageConfig imageConfig(Container container, ImageRecord image) throws IOException {
        Path kept = container.paths().imageConfig();
        byte[] bytes;
        if (Files.exists(kept)) {
            bytes = Files.readAllBytes(kept);
        } else {
            bytes = images.content().read(image.id(), CONFIG_CAP);
            AtomicFiles.writeVolatile(kept, bytes);
        }
        return ImageConfig.parse(bytes, image.id().toString());
    }

    /** The kubelet gives a directory per pod and a path per container relative to it. */
    private static String logPath(PodSandboxConfig pod, ContainerConfig config) {
        if (config.getLogPath().isBlank()) {
            return "";
        }
        Path path = Path.of(pod.getLogDirectory()).resolve(config.getLogPath()).normalize();
        if (!path.isAbsolute()) {
            throw CriException.invalid("config.log_path \"" + config.getLogPath() + "\" with the pod's log_directory \""
                    + pod.getLogDirectory() + "\" is not an absolute path");
        }
        return path.toString();
    }

    private static String imageRef(ImageRecord image) {
        return image.repoDigests().isEmpty() ? image.id().toString() : image.repoDigests().get(0);
    }

    /** Removes a container: kills it if it runs, then its shim, mounts, layers, cgroup; idempotent. */
    public void remove(String idOrPrefix) throws IOException {
        Container container;
        try {
            container = get(idOrPrefix);
        } catch (CriException notFound) {
            if (notFound.code() == Status.Code.NOT_FOUND) {
                return;
            }
            throw notFound;
        }
        // outside the container's monitor: the exit it waits for is recorded under that monitor
        lifecycle.killForRemoval(container);
        synchronized (container) {
            destroy(container);
        }
        lifecycle.announce(container, ContainerListener.Change.DELETED);
        LOG.info("container removed: " + container.describe());
    }

    /**
     * Undoes everything create did, whatever state it got to; every step is tried even when an
     * earlier one failed, and the first failure is reported.
     */
    private void destroy(Container container) throws IOException {
        ContainerRecord record = container.record();
        ContainerPaths paths = container.paths();
        lifecycle.forget(container);
        List<IOException> failures = new ArrayList<>();
        attempt(failures, () -> overlays.unmount(paths.rootfs()));
        attempt(failures, () -> new Cgroup(cgroups, record.cgroup()).remove());
        attempt(failures, () -> FileTrees.deleteRecursively(paths.bundle()));
        attempt(failures, () -> FileTrees.deleteRecursively(paths.layers()));
        attempt(failures, () -> Files.deleteIfExists(paths.shimSocket()));
        if (!failures.isEmpty()) {
            IOException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw new IOException("cleaning up container " + record.id() + ": " + first.getMessage(), first);
        }
        synchronized (container) {
            container.markRemoved();
            records.delete(record.id());
        }
        containers.remove(record.id());
        names.values().removeIf(record.id()::equals);
    }

    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    private static void attempt(List<IOException> failures, Step step) {
        try {
            step.run();
        } catch (IOException e) {
            failures.add(e);
        }
    }

    /** The container's overlay lowerdirs, top first: its init layer, then the image's layers. */
    public List<String> lowerDirs(Container container) {
        List<String> dirs = new ArrayList<>();
        dirs.add(container.paths().init().toString());
        Digest top = Digest.parse(container.record().topChainId());
        if (images.snapshots().get(top).isPresent()) {
            images.snapshots().chain(top).forEach(s -> dirs.add(images.snapshots().fs(s).toString()));
        }
        return dirs;
    }

    /** UpdateContainerResources: validated as at create, applied live, remembered. */
    public void updateResources(String idOrPrefix, LinuxContainerResources update) throws IOException {
        resources.update(get(idOrPrefix), update);
    }

    /** The signal StopContainer sends first: the kubelet's choice, the image's, or SIGTERM. */
    public int stopSignal(Container container) {
        return container.stopSignal(() -> resolveStopSignal(container));
    }

    private int resolveStopSignal(Container container) {
        String imageSignal = null;
        Path kept = container.paths().imageConfig();
        try {
            if (Files.exists(kept)) {
                imageSignal = ImageConfig.parse(Files.readAllBytes(kept), container.record().imageId()).config()
                        .stopSignal();
            }
        } catch (IOException unreadable) {
            LOG.warning("container " + container.describe() + ": cannot read its image config for the stop signal: "
                    + unreadable.getMessage());
        }
        return StopSignals.resolve(container.config().getStopSignal(), imageSignal);
    }

    /** The signal StopContainer sends first, as ContainerStatus.stop_signal reports it. */
    public Signal criStopSignal(Container container) {
        return StopSignals.toCri(stopSignal(container));
    }

    /** ExecSync and the streaming server's exec. */
    public ContainerExec exec() {
        return exec;
    }

    /** The PID namespace of a running container, for a container that targets it. */
    private Path pidNamespaceOf(String targetId) {
        Container target = get(targetId);
        if (!target.running()) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "target container " + targetId
                    + " is not running");
        }
        return Path.of("/proc/" + target.record().initPid() + "/ns/pid");
    }

    /** The container with this id, or the only one whose id starts with it. */
    public Container get(String idOrPrefix) {
        if (idOrPrefix.isBlank()) {
            throw CriException.invalid("container_id is required");
        }
        Container exact = containers.get(idOrPrefix);
        if (exact != null) {
            return exact;
        }
        List<Container> matches = new ArrayList<>();
        for (Container container : containers.values()) {
            if (container.id().startsWith(idOrPrefix)) {
                matches.add(container);
            }
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        throw CriException.notFound(matches.isEmpty() ? "container \"" + idOrPrefix + "\" not found"
                : "container id \"" + idOrPrefix + "\" is ambiguous");
    }

    public Collection<Container> all() {
        return List.copyOf(containers.values());
    }

    public List<Container> inSandbox(String sandboxId) {
        return containers.values().stream().filter(c -> c.record().sandboxId().equals(sandboxId)).toList();
    }

    /** Loads the containers of a previous run and reconnects to their shims. */
    public void recover() throws IOException {
        for (ContainerRecord record : records.loadAll()) {
            ContainerPaths paths = ContainerPaths.of(root, state, record.id());
            Container container = new Container(record, paths, new ShimClient(paths.shimSocket()));
            containers.put(record.id(), container);
            ContainerConfig config = container.config();
            names.put(record.sandboxId() + "/" + config.getMetadata().getName() + "/"
                    + config.getMetadata().getAttempt(), record.id());
            lifecycle.reattach(container);
        }
    }
}
