package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.image.manifest.ExecutionConfig;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the spec builder needs about one container, gathered by the container manager.
 *
 * @param containerId   the container's id
 * @param sandboxId     the id of its pod
 * @param config        the CRI CreateContainer config
 * @param sandboxConfig the pod's CRI config
 * @param image         the image's execution defaults (Entrypoint, Cmd, Env, User, WorkingDir)
 * @param rootfs        host path of the container's mounted root filesystem; its /etc/passwd and
 *                      /etc/group are read to resolve the user
 * @param namespaces    what namespaces the container joins or gets
 * @param podFiles      the pod's resolv.conf, hosts, hostname and /dev/shm
 * @param cgroups       the container's cgroups
 * @param logPath       host path of the CRI log, or null; it goes on the shim's command line,
 *                      not into the spec, and rides along here for the caller's convenience
 */
public record ContainerRequest(String containerId, String sandboxId, ContainerConfig config,
                               PodSandboxConfig sandboxConfig, ExecutionConfig image, Path rootfs,
                               PodNamespaces namespaces, PodFiles podFiles, CgroupPlacement cgroups,
                               Path logPath) {

    public ContainerRequest {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(sandboxId, "sandboxId");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(sandboxConfig, "sandboxConfig");
        image = image == null ? ExecutionConfig.EMPTY : image;
        Objects.requireNonNull(rootfs, "rootfs");
        if (!rootfs.isAbsolute()) {
            throw new IllegalArgumentException("rootfs " + rootfs + " is not an absolute path");
        }
        Objects.requireNonNull(namespaces, "namespaces");
        podFiles = podFiles == null ? PodFiles.NONE : podFiles;
        Objects.requireNonNull(cgroups, "cgroups");
    }
}
