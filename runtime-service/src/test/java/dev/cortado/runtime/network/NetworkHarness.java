package dev.cortado.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ContainerMetadata;
import dev.cortado.cri.v1.CreateContainerRequest;
import dev.cortado.cri.v1.ExecSyncRequest;
import dev.cortado.cri.v1.ExecSyncResponse;
import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.LinuxPodSandboxConfig;
import dev.cortado.cri.v1.LinuxSandboxSecurityContext;
import dev.cortado.cri.v1.ListPodSandboxRequest;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.NamespaceOption;
import dev.cortado.cri.v1.PodSandbox;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxMetadata;
import dev.cortado.cri.v1.PodSandboxNetworkStatus;
import dev.cortado.cri.v1.PodSandboxStatusRequest;
import dev.cortado.cri.v1.PullImageRequest;
import dev.cortado.cri.v1.RemovePodSandboxRequest;
import dev.cortado.cri.v1.RunPodSandboxRequest;
import dev.cortado.cri.v1.RuntimeServiceGrpc;
import dev.cortado.cri.v1.StartContainerRequest;
import dev.cortado.cri.v1.StopPodSandboxRequest;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.hack.registry.TempDirs;
import dev.cortado.linux.MountFlags;
import dev.cortado.linux.Syscalls;
import dev.cortado.runtime.daemon.DaemonProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A registry with busybox, a daemon whose CNI configuration directory is a {@link TestBridge}'s
 * (plugins from a test bin dir, then the system's), and helpers to run pods and containers.
 * Closing it removes every pod, stops the daemon, and sweeps the bridge, its iptables rules and
 * any mount under the directory, failing if the daemon had left network state behind.
 */
final class NetworkHarness implements AutoCloseable {

    private final Path dir;
    private final TestBridge bridge;
    private final Path binDir;
    private final LocalRegistry registry;
    private final String busybox;
    private final Set<String> podIds = new LinkedHashSet<>();
    private DaemonProcess daemon;

    private NetworkHarness(Path dir, TestBridge bridge, Path binDir, LocalRegistry registry, String busybox) {
        this.dir = dir;
        this.bridge = bridge;
        this.binDir = binDir;
        this.registry = registry;
        this.busybox = busybox;
    }

    static NetworkHarness start(String name, int bridgeIndex) throws Exception {
        Path dir = TempDirs.create("cortado-" + name + "-");
        LocalRegistry registry = null;
        NetworkHarness harness = null;
        try {
            TestBridge bridge = new TestBridge(dir, bridgeIndex);
            bridge.sweep(); // a previous run killed before its cleanup
            Path binDir = Files.createDirectories(dir.resolve("cni-bin"));
            registry = LocalRegistry.start();
            String busybox = TestImages.busybox(registry).reference();
            harness = new NetworkHarness(dir, bridge, binDir, registry, busybox);
            harness.startDaemon();
            harness.runtime();
            harness.daemon.client().images().pullImage(PullImageRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(busybox)).build());
            return harness;
        } catch (Exception | Error e) {
            if (harness != null) {
                harness.close();
            } else {
                if (registry != null) {
                    registry.close();
                }
                TempDirs.deleteTree(dir);
            }
            throw e;
        }
    }

    /** Starts (or restarts, on the same directories) the daemon. */
    void startDaemon() throws IOException, InterruptedException {
        daemon = DaemonProcess.start(dir.resolve("daemon"), "--cni-conf-dir", bridge.confDir().toString(),
                "--cni-bin-dir", binDir + ":/opt/cni/bin:/usr/lib/cni");
    }

    DaemonProcess daemon() {
        return daemon;
    }

    TestBridge bridge() {
        return bridge;
    }

    Path binDir() {
        return binDir;
    }

    Path dir() {
        return dir;
    }

    Path state() {
        return daemon.dir().resolve("state");
    }

    RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return daemon.client().runtime();
    }

    Set<String> podIds() {
        return Set.copyOf(podIds);
    }

    static PodSandboxConfig.Builder pod(String name) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("net-test")
                        .setUid(UUID.randomUUID().toString()))
                .setHostname(name)
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext
                        .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.POD)
                                .setPid(NamespaceMode.CONTAINER).setIpc(NamespaceMode.POD))));
    }

    String runPod(PodSandboxConfig config) {
        String id = runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
                .getPodSandboxId();
        podIds.add(id);
        return id;
    }

    PodSandboxNetworkStatus network(String podId) {
        return runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
                .getStatus().getNetwork();
    }

    /** Starts busybox running {@code sh -c script} in the pod; returns the container id. */
    String runShell(String podId, PodSandboxConfig pod, String name, String script) {
        ContainerConfig config = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(busybox))
                .addAllCommand(List.of("sh", "-c", script))
                .build();
        String id = runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setConfig(config).setSandboxConfig(pod).build()).getContainerId();
        runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        return id;
    }

    /** Runs {@code sh -c script} in the container; it must exit 0. Returns its stdout. */
    String sh(String containerId, String script) {
        ExecSyncResponse response = runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(containerId)
                .addAllCmd(List.of("sh", "-c", script)).setTimeout(30).build());
        assertEquals(0, response.getExitCode(), () -> "sh -c '" + script + "' exited " + response.getExitCode()
                + ", stdout: " + response.getStdout().toStringUtf8() + ", stderr: "
                + response.getStderr().toStringUtf8());
        return response.getStdout().toString(StandardCharsets.UTF_8);
    }

    void stopPod(String podId) {
        runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    }

    void removePod(String podId) {
        runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    }

    void removeAllPods() {
        for (PodSandbox pod : runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
            stopPod(pod.getId());
            removePod(pod.getId());
        }
    }

    @Override
    public void close() throws Exception {
        List<String> problems = new ArrayList<>();
        try {
            if (daemon != null && daemon.isAlive()) {
                removeAllPods();
                problems.addAll(bridge.leftovers(podIds));
                int code = daemon.terminate();
                if (code != 0) {
                    problems.add("the daemon exited " + code);
                }
            }
        } catch (RuntimeException | IOException e) {
            problems.add("stopping: " + e);
        } finally {
            try {
                if (daemon != null) {
                    daemon.close();
                    if (!problems.isEmpty()) {
                        System.out.println(daemon.log());
                    }
                }
                registry.close();
            } finally {
                bridge.sweep();
                unmountUnder(dir);
                TempDirs.deleteTree(dir);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("network state left behind:\n  " + String.join("\n  ", problems));
        }
    }

    /** Pinned namespaces of a daemon that died before releasing them. */
    private static void unmountUnder(Path dir) throws IOException {
        List<Path> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            Path mountPoint = Path.of(line.split(" ")[4].replace("\\040", " "));
            if (mountPoint.startsWith(dir)) {
                mounts.add(mountPoint);
            }
        }
        mounts.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        Syscalls syscalls = new Syscalls();
        for (Path mount : mounts) {
            try {
                syscalls.umount2(mount, MountFlags.MNT_DETACH);
            } catch (IOException e) {
                // gone meanwhile
            }
        }
    }
}
