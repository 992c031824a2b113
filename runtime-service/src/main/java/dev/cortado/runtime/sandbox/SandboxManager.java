package dev.cortado.runtime.sandbox;

import dev.cortado.cri.v1.LinuxContainerResources;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.NamespaceOption;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxMetadata;
import dev.cortado.image.snapshot.FileTrees;
import dev.cortado.linux.ErrnoException;
import dev.cortado.linux.MountFlags;
import dev.cortado.linux.Syscalls;
import dev.cortado.rpc.CriException;
import dev.cortado.runtime.cgroup.Cgroup;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.metrics.Phases;
import dev.cortado.runtime.namespace.NamespacePinner;
import dev.cortado.runtime.namespace.PinnedNamespaces;
import dev.cortado.runtime.oci.ResourceLimits;
import dev.cortado.runtime.resources.CgroupWriter;
import dev.cortado.runtime.resources.PodLimits;
import dev.cortado.runtime.oci.NamespacedSysctls;
import dev.cortado.runtime.network.CniPluginException;
import dev.cortado.runtime.network.PodAddresses;
import dev.cortado.runtime.network.PodNetwork;
import dev.cortado.runtime.state.Ids;
import dev.cortado.runtime.state.RecordStore;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Pod sandboxes: their namespaces (pinned, no pause container), cgroup, shared files and, when
 * the pod shares one PID namespace, its pod init. Containers are the ContainerManager's; the
 * service stops and removes a pod's containers before calling stop or remove here.
 */
public final class SandboxManager {

    private static final Logger LOG = Logger.getLogger(SandboxManager.class.getName());

    private final RecordStore<SandboxRecord> records;
    private final NamespacePinner pinner;
    private final CgroupLayout cgroups;
    private final CgroupWriter limits;
    private final Syscalls syscalls;
    private final PodInits podInits;
    private final Path sandboxesDir;
    private final PodNetwork network;
    private final Map<String, Sandbox> sandboxes = new ConcurrentHashMap<>();
    /** Reserved pod names (name_namespace_uid_attempt) to the id holding each. */
    private final Map<String, String> names = new ConcurrentHashMap<>();

    public SandboxManager(RecordStore<SandboxRecord> records, NamespacePinner pinner, CgroupLayout cgroups,
                          Syscalls syscalls, PodInits podInits, Path stateDir, PodNetwork network) {
        this.records = records;
        this.pinner = pinner;
        this.cgroups = cgroups;
        this.limits = CgroupWriter.forLayout(cgroups);
        this.syscalls = syscalls;
        this.podInits = podInits;
        this.sandboxesDir = stateDir.resolve("sandboxes");
        this.network = network;
    }

    /** Loads the records of a previous run; pods whose namespaces did not survive are not ready. */
    public void recover() throws IOException {
        for (SandboxRecord record : records.loadAll()) {
            Sandbox sandbox = new Sandbox(record);
            if (record.ready() && !namespacesSurvived(record.namespaces())) {
                LOG.warning("pod " + sandbox.describe() + " (" + record.id() + ") lost its namespaces; not ready");
                sandbox.update(record.withReady(false));
                records.save(record.id(), sandbox.record());
            }
            sandboxes.put(record.id(), sandbox);
            names.put(reservedName(sandbox.config().getMetadata()), record.id());
        }
    }

    private static boolean namespacesSurvived(PinnedNamespaces pinned) {
        for (String path : new String[] {pinned.net(), pinned.ipc(), pinned.uts(), pinned.pid()}) {
            if (path != null && !Files.exists(Path.of(path))) {
                return false;
            }
        }
        return true;
    }

    public Sandbox run(PodSandboxConfig config, String runtimeHandler) throws IOException {
        Phases phases = new Phases();
        validate(config, runtimeHandler);
        ResourceLimits podLimits = PodLimits.of(config.getLinux().getResources(), "config.linux.resources.",
                config.getLinux().getOverhead(), "config.linux.overhead.");
        String name = reservedName(config.getMetadata());
        String id = Ids.newId();
        String holder = names.putIfAbsent(name, id);
        if (holder != null) {
            throw new CriException(Status.Code.ALREADY_EXISTS, "pod name \"" + name + "\" is already used by sandbox "
                    + holder);
        }
        NamespaceOption options = config.getLinux().getSecurityContext().getNamespaceOptions();
        boolean hostNetwork = options.getNetwork() == NamespaceMode.NODE;
        PodFiles files = new PodFiles(sandboxesDir.resolve(id));
        boolean ownsCgroup = config.getLinux().getCgroupParent().isBlank();
        Cgroup cgroup = new Cgroup(cgroups, ownsCgroup ? "/cortado/" + id : config.getLinux().getCgroupParent());
        String hostname = hostname(config, hostNetwork);
        boolean ownIpc = options.getIpc() != NamespaceMode.NODE;
        SandboxRecord record = new SandboxRecord(id, config.toByteArray(), runtimeHandler, Ids.nowNanos(), false,
                PinnedNamespaces.none(), cgroup.path(), ownsCgroup, 0, null, files.dir().toString(), ownIpc);
        Sandbox sandbox = new Sandbox(record);
        phases.mark("validate");
        NetworkSetup networkSetup = null;
        try {
            // the commit point comes first: whatever follows is found by the pod's id and undone
            records.save(id, record);
            sandboxes.put(id, sandbox);
            phases.mark("record");
            PinnedNamespaces pinned = pinner.pin(new NamespacePinner.Request(id, !hostNetwork, ownIpc, !hostNetwork,
                    hostname));
            sandbox.update(sandbox.record().withNamespaces(pinned));
            phases.mark("namespaces");
            if (!hostNetwork) {
                networkSetup = NetworkSetup.start(network, id, pinned.net(), config);
            }
            files.write(hostname, config.getDnsConfig(), hostNetwork);
            if (ownIpc) {
                Files.createDirectories(files.shm());
                syscalls.mount("shm", files.shm(), "tmpfs", MountFlags.MS_NOSUID | MountFlags.MS_NODEV
                        | MountFlags.MS_NOEXEC, "mode=1777,size=65536k");
            }
            cgroup.create();
            limits.apply(cgroup, podLimits, "config.linux.resources.");
            if (options.getPid() == NamespaceMode.POD) {
                PodInits.Started init = podInits.start(id, pinned, cgroup);
                String pidPath = pinner.pinFile("/proc/" + init.pid() + "/ns/pid", "pidns", id);
                sandbox.update(sandbox.record().withPodInit(init.pid(), init.socket())
                        .withNamespaces(sandbox.record().namespaces().withPid(pidPath)));
            }
            phases.mark("files+cgroups");
            if (networkSetup != null) {
                PodAddresses addresses = networkSetup.await();
                phases.mark("network");
                if (!addresses.ip().isEmpty()) {
                    files.writeHosts(hostname, addresses.ip());
                }
            }
            sandbox.update(sandbox.record().withReady(true));
            records.save(id, sandbox.record());
            phases.mark("ready");
        } catch (IOException | RuntimeException e) {
            if (networkSetup != null) {
                networkSetup.awaitQuietly();
            }
            try {
                remove(id);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            names.remove(name, id);
            throw e;
        }
        LOG.fine(() -> "pod " + id.substring(0, 12) + " run phases: " + phases);
        LOG.info("pod started: " + sandbox.describe() + " id " + id + (hostNetwork ? " (host network)" : ""));
        return sandbox;
    }

    private static void validate(PodSandboxConfig config, String runtimeHandler) {
        PodSandboxMetadata metadata = config.getMetadata();
        if (!config.hasMetadata() || metadata.getName().isBlank()) {
            throw CriException.invalid("config.metadata.name is required");
        }
        if (metadata.getNamespace().isBlank()) {
            throw CriException.invalid("config.metadata.namespace is required");
        }
        if (metadata.getUid().isBlank()) {
            throw CriException.invalid("config.metadata.uid is required");
        }
        if (!runtimeHandler.isEmpty() && !runtimeHandler.equals("cortado")) {
            throw CriException.invalid("runtime handler \"" + runtimeHandler
                    + "\" is not configured (cortado serves the default handler \"\" only)");
        }
        NamespaceOption options = config.getLinux().getSecurityContext().getNamespaceOptions();
        if (options.getPid() == NamespaceMode.TARGET) {
            throw CriException.invalid("config.linux.security_context.namespace_options.pid: TARGET is for"
                    + " containers, not pods");
        }
        try {
            NamespacedSysctls.of(config);
        } catch (IllegalArgumentException e) {
            throw CriException.invalid("config." + e.getMessage());
        }
        String hostname = config.getHostname();
        if (hostname.length() > 64) {
            throw CriException.invalid("config.hostname is longer than 64 characters");
        }
        if (!config.getLinux().getCgroupParent().isBlank()) {
            try {
                new Cgroup(new CgroupLayout(List.of()), config.getLinux().getCgroupParent());
            } catch (IllegalArgumentException e) {
                throw CriException.invalid("config.linux.cgroup_parent: " + e.getMessage());
            }
        }
    }

    private static String hostname(PodSandboxConfig config, boolean hostNetwork) throws IOException {
        if (hostNetwork) {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        }
        return config.getHostname().isBlank() ? config.getMetadata().getName() : config.getHostname();
    }

    static String reservedName(PodSandboxMetadata metadata) {
        return metadata.getName() + "_" + metadata.getNamespace() + "_" + metadata.getUid() + "_"
                + metadata.getAttempt();
    }

    /** UpdatePodSandboxResources: the pod cgroup's limits, live. */
    public void updateResources(Sandbox sandbox, LinuxContainerResources overhead, LinuxContainerResources resources)
            throws IOException {
        ResourceLimits podLimits = PodLimits.of(resources, "resources.", overhead, "overhead.");
        synchronized (sandbox) {
            if (!sandbox.ready()) {
                throw new CriException(Status.Code.FAILED_PRECONDITION, "pod sandbox " + sandbox.id() + " ("
                        + sandbox.describe() + ") is not ready");
            }
            limits.apply(cgroupOf(sandbox), podLimits, "resources.");
        }
        LOG.info("pod " + sandbox.describe() + ": resources updated");
    }

    /** Stops the pod's own processes and drops its namespaces; its containers are already stopped. */
    public void stop(Sandbox sandbox) throws IOException {
        synchronized (sandbox) {
            SandboxRecord record = sandbox.record();
            if (record.podInitPid() > 0) {
                podInits.stop(record.podInitSocket(), record.podInitPid());
                record = record.withPodInit(0, null);
            }
            detachNetwork(sandbox);
            pinner.release(record.id());
            record = record.withNamespaces(PinnedNamespaces.none());
            unmountShm(record);
            boolean wasReady = record.ready();
            record = record.withReady(false);
            sandbox.update(record);
            records.save(record.id(), record);
            if (wasReady) {
                LOG.info("pod stopped: " + sandbox.describe() + " id " + record.id());
            }
        }
    }

    /** DEL while the namespace is still pinned; a failure keeps the pod for the kubelet's retry. */
    private void detachNetwork(Sandbox sandbox) throws IOException {
        try {
            network.detach(sandbox.id());
        } catch (CniPluginException e) {
            throw new CriException(Status.Code.UNKNOWN, "tearing down the network of pod " + sandbox.describe()
                    + " failed: " + e.getMessage(), e);
        }
    }

    /** The pod's addresses from its network attachment (none for host-network and stopped pods). */
    public PodAddresses addresses(Sandbox sandbox) {
        return sandbox.hostNetwork() || !sandbox.record().ready() ? PodAddresses.NONE
                : network.addresses(sandbox.id());
    }

    public PodNetwork network() {
        return network;
    }

    /** Forgets a pod, stopping it first if needed; idempotent. */
    public void remove(String id) throws IOException {
        Sandbox sandbox = sandboxes.get(id);
        if (sandbox == null) {
            return;
        }
        synchronized (sandbox) {
            stop(sandbox);
            SandboxRecord record = sandbox.record();
            if (record.ownsCgroup()) {
                new Cgroup(cgroups, record.cgroup()).remove();
            }
            unmountShm(record);
            FileTrees.deleteRecursively(Path.of(record.filesDir()));
            records.delete(id);
            sandboxes.remove(id);
            names.remove(reservedName(sandbox.config().getMetadata()), id);
        }
        LOG.info("pod removed: " + sandbox.describe() + " id " + id);
    }

    private void unmountShm(SandboxRecord record) throws IOException {
        Path shm = Path.of(record.filesDir()).resolve("shm");
        if (record.shmMounted()) {
            try {
                syscalls.umount2(shm, MountFlags.MNT_DETACH);
            } catch (ErrnoException notMounted) {
                // already unmounted
            }
        }
    }

    /** The sandbox with this id, or the only one whose id starts with it. */
    public Sandbox get(String idOrPrefix) {
        if (idOrPrefix.isBlank()) {
            throw CriException.invalid("pod_sandbox_id is required");
        }
        Sandbox exact = sandboxes.get(idOrPrefix);
        if (exact != null) {
            return exact;
        }
        List<Sandbox> matches = new ArrayList<>();
        for (Sandbox sandbox : sandboxes.values()) {
            if (sandbox.id().startsWith(idOrPrefix)) {
                matches.add(sandbox);
            }
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        throw CriException.notFound(matches.isEmpty() ? "pod sandbox \"" + idOrPrefix + "\" not found"
                : "pod sandbox id \"" + idOrPrefix + "\" is ambiguous");
    }

    public boolean exists(String id) {
        return sandboxes.containsKey(id);
    }

    public Collection<Sandbox> all() {
        return List.copyOf(sandboxes.values());
    }

    public Cgroup cgroupOf(Sandbox sandbox) {
        return new Cgroup(cgroups, sandbox.record().cgroup());
    }
}
