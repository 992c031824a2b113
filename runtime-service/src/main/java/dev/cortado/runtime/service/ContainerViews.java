package dev.cortado.runtime.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.cri.v1.Container;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ContainerResources;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.ContainerUser;
import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.LinuxContainerUser;
import dev.cortado.cri.v1.Signal;
import dev.cortado.runtime.container.ContainerPaths;
import dev.cortado.runtime.container.ContainerRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/** How containers look to the kubelet: the CRI's Container and ContainerStatus, and verbose info. */
final class ContainerViews {

    private final ObjectMapper json = new ObjectMapper();

    Container item(dev.cortado.runtime.container.Container container) {
        ContainerRecord record = container.record();
        ContainerConfig config = container.config();
        return Container.newBuilder()
                .setId(record.id())
                .setPodSandboxId(record.sandboxId())
                .setMetadata(config.getMetadata())
                .setImage(imageSpec(config, record))
                .setImageRef(record.imageRef())
                .setImageId(record.imageId())
                .setState(state(record))
                .setCreatedAt(record.createdAt())
                .putAllLabels(config.getLabelsMap())
                .putAllAnnotations(config.getAnnotationsMap())
                .build();
    }

    /** @param stopSignal the signal StopContainer would send: the kubelet's, the image's, or SIGTERM */
    ContainerStatus status(dev.cortado.runtime.container.Container container, Signal stopSignal) {
        ContainerRecord record = container.record();
        ContainerConfig config = container.config();
        ContainerStatus.Builder status = ContainerStatus.newBuilder()
                .setId(record.id())
                .setMetadata(config.getMetadata())
                .setState(state(record))
                .setCreatedAt(record.createdAt())
                .setStartedAt(record.startedAt())
                .setFinishedAt(record.finishedAt())
                .setExitCode(record.exitCode())
                .setImage(imageSpec(config, record))
                .setImageRef(record.imageRef())
                .setImageId(record.imageId())
                .setReason(record.reason())
                .setMessage(record.message())
                .putAllLabels(config.getLabelsMap())
                .putAllAnnotations(config.getAnnotationsMap())
                .addAllMounts(config.getMountsList())
                .setLogPath(record.logPath())
                .setStopSignal(stopSignal);
        if (config.getLinux().hasResources()) {
            status.setResources(ContainerResources.newBuilder().setLinux(config.getLinux().getResources()));
        }
        if (!record.state().equals(ContainerRecord.CREATED) || record.initPid() > 0) {
            status.setUser(ContainerUser.newBuilder().setLinux(LinuxContainerUser.newBuilder()
                    .setUid(record.uid()).setGid(record.gid()).addAllSupplementalGroups(record.groups())));
        }
        return status.build();
    }

    static ContainerState state(ContainerRecord record) {
        return switch (record.state()) {
            case ContainerRecord.CREATED -> ContainerState.CONTAINER_CREATED;
            case ContainerRecord.RUNNING -> ContainerState.CONTAINER_RUNNING;
            case ContainerRecord.EXITED -> ContainerState.CONTAINER_EXITED;
            default -> ContainerState.CONTAINER_UNKNOWN;
        };
    }

    /** The image as the kubelet asked for it, with the id the runtime resolved it to. */
    private static ImageSpec imageSpec(ContainerConfig config, ContainerRecord record) {
        return ImageSpec.newBuilder(config.getImage()).setImage(config.getImage().getImage()).build();
    }

    /**
     * What {@code crictl inspect} shows beyond the status: the pid, the OCI spec, and the layer
     * stack (lowerdirs top first, the init layer, upper, work, the merged mount point).
     */
    String info(dev.cortado.runtime.container.Container container, List<String> lowerDirs) throws IOException {
        ContainerRecord record = container.record();
        ContainerPaths paths = container.paths();
        ObjectNode info = json.createObjectNode();
        info.put("sandboxID", record.sandboxId());
        info.put("pid", record.initPid());
        info.put("shimPid", record.shimPid());
        info.put("cgroup", record.cgroup());
        info.put("imageId", record.imageId());
        ObjectNode layers = info.putObject("layers");
        ArrayNode lower = layers.putArray("lowerdir");
        lowerDirs.forEach(lower::add);
        layers.put("init", paths.init().toString());
        layers.put("upperdir", paths.upper().toString());
        layers.put("workdir", paths.work().toString());
        layers.put("merged", paths.rootfs().toString());
        if (Files.exists(paths.configJson())) {
            info.set("runtimeSpec", json.readTree(paths.configJson().toFile()));
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(info);
    }
}
