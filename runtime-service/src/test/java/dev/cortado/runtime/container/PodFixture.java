package dev.cortado.runtime.container;

import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ContainerMetadata;
import dev.cortado.cri.v1.CreateContainerRequest;
import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.LinuxPodSandboxConfig;
import dev.cortado.cri.v1.LinuxSandboxSecurityContext;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.NamespaceOption;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxMetadata;
import dev.cortado.cri.v1.PullImageRequest;
import dev.cortado.cri.v1.RemovePodSandboxRequest;
import dev.cortado.cri.v1.RunPodSandboxRequest;
import dev.cortado.cri.v1.StartContainerRequest;
import dev.cortado.cri.v1.StopPodSandboxRequest;
import dev.cortado.cri.v1.ListPodSandboxRequest;
import dev.cortado.cri.v1.PodSandbox;
import dev.cortado.hack.bench.CriClient;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/** Builds pods and containers the way a kubelet asks for them, for the runtime tests. */
final class PodFixture {

    private final CriClient client;
    private final Path logs;

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

    String runPod(PodSandboxConfig config) {
        return client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
                .getPodSandboxId();
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

    void start(String containerId) {
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
    }

    /** Stops and removes every pod (and so every container) the daemon has. */
    void removeAll() {
        for (PodSandbox pod : client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance())
                .getItemsList()) {
            client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod.getId()).build());
            client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod.getId())
                    .build());
        }
    }
}
