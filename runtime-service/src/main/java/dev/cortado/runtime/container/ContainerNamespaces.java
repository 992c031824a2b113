package dev.cortado.runtime.container;

import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.rpc.CriException;
import dev.cortado.runtime.cgroup.Cgroup;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.cgroup.Hierarchy;
import dev.cortado.runtime.namespace.PinnedNamespaces;
import dev.cortado.runtime.oci.CgroupPlacement;
import dev.cortado.runtime.oci.NamespaceSetting;
import dev.cortado.runtime.oci.PodFiles;
import dev.cortado.runtime.oci.PodNamespaces;
import dev.cortado.runtime.sandbox.Sandbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Where a container of a pod gets each namespace, its /dev/shm and its cgroup directories. */
final class ContainerNamespaces {

    private ContainerNamespaces() {
    }

    /**
     * Network, IPC and UTS come from the pod (pinned, or the node's); PID from the container's
     * own option: a new namespace (CONTAINER), the pod's (POD, when the pod has one), the node's
     * (NODE), or another container's (TARGET, for ephemeral debug containers).
     *
     * @param targetPidNamespace the PID namespace file of a container by id, for TARGET
     */
    static PodNamespaces of(Sandbox sandbox, ContainerConfig config, Function<String, Path> targetPidNamespace) {
        PinnedNamespaces pinned = sandbox.record().namespaces();
        var options = config.getLinux().getSecurityContext().getNamespaceOptions();
        NamespaceSetting pid = switch (options.getPid()) {
            case NODE -> host();
            // POD is also proto3's zero value: a config without namespace options asks for the pod's
            // PID namespace, which exists only when the pod was created to share one; otherwise
            // the container gets its own, as it would share nothing but an idle pause process
            case POD -> pinned.pid() == null ? new NamespaceSetting(NamespaceSetting.Sharing.NEW, null)
                    : join(pinned.pid());
            case TARGET -> {
                if (options.getTargetId().isBlank()) {
                    throw CriException.invalid("linux.security_context.namespace_options.target_id is required"
                            + " with pid TARGET");
                }
                yield new NamespaceSetting(NamespaceSetting.Sharing.JOIN, targetPidNamespace.apply(options.getTargetId()));
            }
            default -> new NamespaceSetting(NamespaceSetting.Sharing.NEW, null);
        };
        return new PodNamespaces(joinOrHost(pinned.net()), joinOrHost(pinned.ipc()), joinOrHost(pinned.uts()), pid);
    }

    /** The pod's /dev/shm: its own tmpfs with a pod IPC namespace, the node's with host IPC. */
    static PodFiles podFiles(Sandbox sandbox) {
        boolean hostIpc = sandbox.namespaceOptions().getIpc() == NamespaceMode.NODE;
        return new PodFiles(null, null, null, hostIpc ? Path.of("/dev/shm") : sandbox.files().shm());
    }

    static CgroupPlacement placement(Cgroup cgroup, CgroupLayout layout) {
        List<CgroupPlacement.CgroupDirectory> directories = new ArrayList<>();
        for (Hierarchy hierarchy : layout.hierarchies()) {
            String name = hierarchy.mountPoint().equals(Path.of("/sys/fs/cgroup")) ? ""
                    : hierarchy.mountPoint().getFileName().toString();
            directories.add(new CgroupPlacement.CgroupDirectory(name, cgroup.directory(hierarchy)));
        }
        return new CgroupPlacement(cgroup.path(), directories);
    }

    private static NamespaceSetting joinOrHost(String path) {
        return path == null ? host() : join(path);
    }

    private static NamespaceSetting join(String path) {
        return new NamespaceSetting(NamespaceSetting.Sharing.JOIN, Path.of(path));
    }

    private static NamespaceSetting host() {
        return new NamespaceSetting(NamespaceSetting.Sharing.HOST, null);
    }
}
