package dev.cortado.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ContainerFilter;
import dev.cortado.cri.v1.ContainerMetadata;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.ContainerStatusRequest;
import dev.cortado.cri.v1.CreateContainerRequest;
import dev.cortado.cri.v1.ExecSyncRequest;
import dev.cortado.cri.v1.ExecSyncResponse;
import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.LinuxContainerConfig;
import dev.cortado.cri.v1.LinuxContainerSecurityContext;
import dev.cortado.cri.v1.LinuxPodSandboxConfig;
import dev.cortado.cri.v1.LinuxSandboxSecurityContext;
import dev.cortado.cri.v1.ListContainersRequest;
import dev.cortado.cri.v1.ListPodSandboxRequest;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.NamespaceOption;
import dev.cortado.cri.v1.PodSandbox;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxFilter;
import dev.cortado.cri.v1.PodSandboxMetadata;
import dev.cortado.cri.v1.PodSandboxStatusRequest;
import dev.cortado.cri.v1.PodSandboxStatusResponse;
import dev.cortado.cri.v1.PullImageRequest;
import dev.cortado.cri.v1.RemoveContainerRequest;
import dev.cortado.cri.v1.RemovePodSandboxRequest;
import dev.cortado.cri.v1.RunPodSandboxRequest;
import dev.cortado.cri.v1.RuntimeServiceGrpc.RuntimeServiceBlockingStub;
import dev.cortado.cri.v1.StartContainerRequest;
import dev.cortado.cri.v1.StopContainerRequest;
import dev.cortado.cri.v1.StopPodSandboxRequest;
import dev.cortado.cri.v1.StreamContainersRequest;
import dev.cortado.cri.v1.StreamPodSandboxesRequest;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.registry.TempDirs;
import dev.cortado.runtime.daemon.DaemonProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One real daemon on a fresh directory with the test image pulled, and the CRI calls the pod
 * tests make, as a kubelet would make them. It remembers every cgroup its pods and containers
 * were given; {@link #close()} removes every pod, asserts that nothing is left (no mount under
 * the directory, no shim naming it, none of those cgroups), then tidies up by force whatever a
 * failure left and deletes the directory.
 */
final class PodHarness implements AutoCloseable {

    static final String NAMESPACE = "pod-tests";
    private static final long CALL_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String image;
    private final Set<String> cgroups = ConcurrentHashMap.newKeySet();
    private final Set<String> parentCgroups = ConcurrentHashMap.newKeySet();
    private DaemonProcess daemon;

    private PodHarness(Path dir, String image) {
        this.dir = dir;
        this.image = image;
    }

    /** A daemon on a new temp directory with {@code image} pulled. */
    static PodHarness start(TestImage image) throws IOException, InterruptedException {
        PodHarness harness = new PodHarness(TempDirs.create("cortado-pod-"), image.reference());
        try {
            harness.daemon = DaemonProcess.start(harness.dir);
            harness.daemon.client().images().withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS)
                    .pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image.reference()))
                            .build());
        } catch (IOException | InterruptedException | RuntimeException e) {
            harness.close();
            throw e;
        }
        return harness;
    }

    Path dir() {
        return dir;
    }

    String image() {
        return image;
    }

    DaemonProcess daemon() {
        return daemon;
    }

    RuntimeServiceBlockingStub cri() {
        return daemon.client().runtime().withDeadlineAfter(CALL_SECONDS, TimeUnit.SECONDS);
    }

    /** SIGKILL to the daemon; its shims and containers go on. */
    void killDaemon() throws InterruptedException {
        daemon.kill();
    }

    /** A new daemon on the same directory. */
    void restartDaemon() throws IOException, InterruptedException {
        daemon.close();
        daemon = DaemonProcess.start(dir);
    }

    /** A cgroup the test made itself (a kubelet-style parent): removed, deepest first, at close. */
    void ownCgroup(String path) {
        parentCgroups.add(path);
    }

    // ---- configs -------------------------------------------------------------------------

    PodSandboxConfig.Builder pod(String name, NamespaceOption namespaces) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace(NAMESPACE)
                        .setUid(UUID.randomUUID().toString()).setAttempt(0))
                .setHostname(name)
                .setLogDirectory(dir.resolve("logs").resolve(name).toString())
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext
                        .newBuilder().setNamespaceOptions(namespaces)));
    }

    PodSandboxConfig.Builder pod(String name) {
        return pod(name, namespaces(NamespaceMode.POD, NamespaceMode.CONTAINER, NamespaceMode.POD));
    }

    static NamespaceOption namespaces(NamespaceMode network, NamespaceMode pid, NamespaceMode ipc) {
        return NamespaceOption.newBuilder().setNetwork(network).setPid(pid).setIpc(ipc).build();
    }

    /** A container of the test image; the pod's PID namespace option is repeated, as the kubelet does. */
    ContainerConfig.Builder container(String name, PodSandboxConfig pod, String... command) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(image))
                .addAllCommand(List.of(command))
                .setLogPath(name + "/0.log")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext
                        .newBuilder().setNamespaceOptions(pod.getLinux().getSecurityContext().getNamespaceOptions())));
    }

    // ---- pods ----------------------------------------------------------------------------

    String runPod(PodSandboxConfig config) {
        String id = cri().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
                .getPodSandboxId();
        // a kubelet-provided cgroup_parent is the kubelet's to remove; cortado's own pod cgroup is not
        if (config.getLinux().getCgroupParent().isBlank()) {
            cgroups.add("/cortado/" + id);
        }
        return id;
    }

    PodSandboxStatusResponse podStatus(String id, boolean verbose) {
        return cri().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).setVerbose(verbose)
                .build());
    }

    JsonNode podInfo(String id) {
        return json(podStatus(id, true).getInfoOrThrow("info"));
    }

    void stopPod(String id) {
        cri().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    }

    void removePod(String id) {
        cri().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    }

    List<PodSandbox> pods() {
        return cri().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList();
    }

    // ---- containers ----------------------------------------------------------------------

    String create(String podId, PodSandboxConfig pod, ContainerConfig config) {
        String id = cri().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setConfig(config).setSandboxConfig(pod).build()).getContainerId();
        String parent = pod.getLinux().getCgroupParent();
        cgroups.add((parent.isBlank() ? "/cortado/" + podId : parent) + "/" + id);
        return id;
    }

    void start(String containerId) {
        cri().startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
    }

    /** Creates and starts a container. */
    String run(String podId, PodSandboxConfig pod, ContainerConfig config) {
        String id = create(podId, pod, config);
        start(id);
        return id;
    }

    ContainerStatus status(String containerId) {
        return cri().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(containerId).build())
                .getStatus();
    }

    /** ContainerStatus verbose info: pid, shimPid, cgroup, layers, runtimeSpec. */
    JsonNode info(String containerId) {
        return json(cri().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(containerId)
                .setVerbose(true).build()).getInfoOrThrow("info"));
    }

    long pid(String containerId) {
        return info(containerId).get("pid").asLong();
    }

    ExecSyncResponse exec(String containerId, String... command) {
        return cri().execSync(ExecSyncRequest.newBuilder().setContainerId(containerId).addAllCmd(List.of(command))
                .setTimeout(30).build());
    }

    /** Runs a shell script in the container, asserts it succeeded, and returns its stdout. */
    String sh(String containerId, String script) {
        ExecSyncResponse response = exec(containerId, "sh", "-c", script);
        assertEquals(0, response.getExitCode(), () -> "script `" + script + "` failed: "
                + response.getStderr().toStringUtf8());
        return response.getStdout().toStringUtf8();
    }

    void stop(String containerId, long timeoutSeconds) {
        cri().stopContainer(StopContainerRequest.newBuilder().setContainerId(containerId).setTimeout(timeoutSeconds)
                .build());
    }

    void remove(String containerId) {
        cri().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(containerId).build());
    }

    List<dev.cortado.cri.v1.Container> containers(ContainerFilter filter) {
        return cri().listContainers(ListContainersRequest.newBuilder().setFilter(filter).build()).getContainersList();
    }

    List<PodSandbox> pods(PodSandboxFilter filter) {
        return cri().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(filter).build()).getItemsList();
    }

    /** StreamPodSandboxes, its pages concatenated in order. */
    List<PodSandbox> streamPods(PodSandboxFilter filter) {
        List<PodSandbox> all = new ArrayList<>();
        cri().streamPodSandboxes(StreamPodSandboxesRequest.newBuilder().setFilter(filter).build())
                .forEachRemaining(page -> all.addAll(page.getPodSandboxesList()));
        return all;
    }

    /** StreamContainers, its pages concatenated in order. */
    List<dev.cortado.cri.v1.Container> streamContainers(ContainerFilter filter) {
        List<dev.cortado.cri.v1.Container> all = new ArrayList<>();
        cri().streamContainers(StreamContainersRequest.newBuilder().setFilter(filter).build())
                .forEachRemaining(page -> all.addAll(page.getContainersList()));
        return all;
    }

    /** Polls ContainerStatus until the container is in {@code wanted}; fails after {@code within}. */
    ContainerStatus awaitState(String containerId, ContainerState wanted, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        ContainerStatus status = status(containerId);
        while (status.getState() != wanted) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("container " + containerId + " still " + status.getState() + " after "
                        + within + ", not " + wanted + ": " + status);
            }
            Thread.sleep(50);
            status = status(containerId);
        }
        return status;
    }

    // ---- the end -------------------------------------------------------------------------

    /** Stops and removes every pod, then removes any container left without one. */
    void removeAll() {
        for (PodSandbox pod : pods()) {
            stopPod(pod.getId());
            removePod(pod.getId());
        }
        for (dev.cortado.cri.v1.Container container : containers(ContainerFilter.getDefaultInstance())) {
            remove(container.getId());
        }
    }

    /** Asserts that nothing of the daemon's pods and containers remains on the host. */
    void assertNothingLeft() {
        Leftovers.of(dir, cgroups).assertNone();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Throwable failure = null;
        try {
            if (daemon != null && daemon.isAlive()) {
                removeAll();
            }
            assertNothingLeft();
        } catch (RuntimeException | AssertionError e) {
            failure = e;
        } finally {
            if (daemon != null) {
                System.out.println("---- daemon log of " + dir + " ----\n" + daemon.log());
                try {
                    daemon.terminate();
                } catch (IOException stuck) {
                    daemon.close();
                }
            }
            Leftovers.of(dir, cgroups).forceClean(parentCgroups);
            try {
                TempDirs.deleteTree(dir);
            } catch (IOException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                } else {
                    throw e;
                }
            }
        }
        if (failure instanceof AssertionError error) {
            throw error;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("verbose info is not JSON: " + text, e);
        }
    }
}
