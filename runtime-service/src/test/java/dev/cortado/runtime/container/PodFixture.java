package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ContainerMetadata;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.ContainerStatusRequest;
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
import dev.cortado.cri.v1.PullImageRequest;
import dev.cortado.cri.v1.RemoveContainerRequest;
import dev.cortado.cri.v1.RemovePodSandboxRequest;
import dev.cortado.cri.v1.RunPodSandboxRequest;
import dev.cortado.cri.v1.StartContainerRequest;
import dev.cortado.cri.v1.StopContainerRequest;
import dev.cortado.cri.v1.StopPodSandboxRequest;
import dev.cortado.hack.bench.CriClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Builds pods and containers the way a kubelet asks for them, for the runtime tests. */
final class PodFixture {

    private final CriClient client;
    private final Path logs;
    private final ObjectMapper json = new ObjectMapper();
    /** Every pod this fixture ran, so that leftovers can be looked for by id after removal. */
    private final Set<String> podIds = new LinkedHashSet<>();

    PodFixture(CriClient client, Path logs) {
        this.client = client;
        this.logs = logs;
    }

    String pull(String image) {
        return client.images().pullImage(PullImageRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(image)).build()).getImageRef();
    }

    static PodSandboxConfig.Builder podConfig(String name) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default")
                        .setUid(UUID.randomUUID().toString()))
                .setHostname(name);
    }

    PodSandboxConfig pod(String name, NamespaceMode network, NamespaceMode pid) {
        return podConfig(name)
                .setLogDirectory(logs.resolve(name).toString())
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext
                        .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(network)
                                .setPid(pid).setIpc(NamespaceMode.POD))))
                .build();
    }

    /** A pod with its own network and each container in its own PID namespace. */
    PodSandboxConfig pod(String name) {
        return pod(name, NamespaceMode.POD, NamespaceMode.CONTAINER);
    }

    String runPod(PodSandboxConfig config) {
        String id = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
                .getPodSandboxId();
        synchronized (podIds) {
            podIds.add(id);
        }
        return id;
    }

    /** A running pod of this name, with the config its containers must be created with. */
    Pod startPod(String name) {
        PodSandboxConfig config = pod(name);
        return new Pod(runPod(config), config);
    }

    record Pod(String id, PodSandboxConfig config) {
    }

    static ContainerConfig.Builder container(String name, String image, String... command) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(image))
                .addAllCommand(List.of(command))
                .setLogPath(name + "/0.log");
    }

    String create(String podId, PodSandboxConfig pod, ContainerConfig config) {
        return client.runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setConfig(config).setSandboxConfig(pod).build()).getContainerId();
    }

    String create(Pod pod, ContainerConfig config) {
        return create(pod.id(), pod.config(), config);
    }

    void start(String containerId) {
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
    }

    /** Creates and starts a container. */
    String run(Pod pod, ContainerConfig config) {
        String id = create(pod, config);
        start(id);
        return id;
    }

    /** Creates and starts a container of {@code image} running {@code command}. */
    String run(Pod pod, String name, String image, String... command) {
        return run(pod, container(name, image, command).build());
    }

    void stop(String containerId, long timeoutSeconds) {
        client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(containerId)
                .setTimeout(timeoutSeconds).build());
    }

    void remove(String containerId) {
        client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(containerId).build());
    }

    ContainerStatus status(String containerId) {
        return client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(containerId)
                .build()).getStatus();
    }

    /** The verbose info of ContainerStatus (pid, runtimeSpec, layers), parsed. */
    JsonNode info(String containerId) {
        String info = client.runtime().containerStatus(ContainerStatusRequest.newBuilder()
                .setContainerId(containerId).setVerbose(true).build()).getInfoOrThrow("info");
        try {
            return json.readTree(info);
        } catch (IOException e) {
            throw new UncheckedIOException("verbose info is not JSON: " + info, e);
        }
    }

    ExecSyncResponse exec(String containerId, long timeoutSeconds, String... command) {
        return client.runtime().execSync(ExecSyncRequest.newBuilder().setContainerId(containerId)
                .addAllCmd(List.of(command)).setTimeout(timeoutSeconds).build());
    }

    /** Runs {@code sh -c script} in the container; it must exit 0. Returns its stdout. */
    String sh(String containerId, String script) {
        ExecSyncResponse response = exec(containerId, 30, "sh", "-c", script);
        assertEquals(0, response.getExitCode(), () -> "sh -c '" + script + "' exited " + response.getExitCode()
                + ", stderr: " + response.getStderr().toStringUtf8());
        return response.getStdout().toString(StandardCharsets.UTF_8);
    }

    /** Waits until the container reaches {@code state}; returns its status then. */
    ContainerStatus awaitState(String containerId, ContainerState state, Duration timeout) {
        ContainerStatus[] last = new ContainerStatus[1];
        await(() -> {
            last[0] = status(containerId);
            return last[0].getState() == state;
        }, timeout, () -> "container " + containerId + " did not reach " + state + "; last status " + last[0]);
        return last[0];
    }

    /** Polls {@code condition} every 20 ms until it holds, or fails with {@code why}. */
    static void await(BooleanSupplier condition, Duration timeout, Supplier<String> why) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(why.get() + " within " + timeout);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + why.get(), e);
            }
        }
    }

    /** Every pod id this fixture ran, removed or not. */
    Set<String> podIds() {
        synchronized (podIds) {
            return Set.copyOf(podIds);
        }
    }

    /** Stops and removes every pod (and so every container) the daemon has. */
    void removeAll() {
        List<String> ids = new ArrayList<>();
        for (PodSandbox pod : client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance())
                .getItemsList()) {
            ids.add(pod.getId());
        }
        for (String id : ids) {
            client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
            client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        }
    }
}
