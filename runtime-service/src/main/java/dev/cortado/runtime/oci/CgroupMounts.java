package dev.cortado.runtime.oci;

import dev.cortado.shim.plan.InitPlan;

import java.util.ArrayList;
import java.util.List;

/**
 * The container's view of /sys/fs/cgroup as init-plan mounts: its own cgroup directories bound
 * read-only from the host, without a cgroup namespace (the init is cloned before the shim moves
 * it into its cgroups, so a namespace made at clone time would be rooted at the shim's cgroup).
 *
 * <p>With cgroup v2 only, the container's directory is bound at /sys/fs/cgroup. With v1 or the
 * hybrid layout, a tmpfs at /sys/fs/cgroup holds one bound directory per hierarchy, the links
 * runc also makes for joined controllers ({@code cpu -> cpu,cpuacct}), and is then remounted
 * read-only. The init makes these records strictly in plan order.
 */
public final class CgroupMounts {

    private static final long HARDENED = MountFlag.NOSUID | MountFlag.NODEV | MountFlag.NOEXEC;
    private static final long BIND_READONLY = MountFlag.BIND | MountFlag.RDONLY | HARDENED;

    private CgroupMounts() {
    }

    public static List<InitPlan.MountSpec> plan(CgroupPlacement placement) {
        return plan(placement, false);
    }

    /** @param writable the container's cgroup directories stay writable (privileged containers) */
    public static List<InitPlan.MountSpec> plan(CgroupPlacement placement, boolean writable) {
        String root = DefaultMounts.SYS_FS_CGROUP;
        List<InitPlan.MountSpec> mounts = new ArrayList<>();
        if (placement.directories().isEmpty()) {
            return mounts;
        }
        if (placement.unifiedOnly()) {
            mounts.add(bind(placement.directories().get(0).hostPath().toString(), root, writable));
            return mounts;
        }
        mounts.add(new InitPlan.MountSpec("tmpfs", root, "tmpfs", HARDENED, "mode=755", 0,
                InitPlan.MountSpec.DIRECTORY));
        List<String> names = placement.directories().stream().map(CgroupPlacement.CgroupDirectory::hierarchy).toList();
        List<InitPlan.MountSpec> links = new ArrayList<>();
        for (CgroupPlacement.CgroupDirectory directory : placement.directories()) {
            String name = directory.hierarchy();
            mounts.add(bind(directory.hostPath().toString(), root + "/" + name, writable));
            if (name.contains(",")) {
                for (String controller : name.split(",")) {
                    if (controller.isEmpty() || names.contains(controller)) {
                        continue;
                    }
                    links.add(new InitPlan.MountSpec(name, root + "/" + controller, "", 0, "", 0,
                            InitPlan.MountSpec.SYMLINK));
                }
            }
        }
        mounts.addAll(links);
        mounts.add(new InitPlan.MountSpec("tmpfs", root, "tmpfs", MountFlag.REMOUNT | MountFlag.RDONLY | HARDENED,
                "mode=755", 0, InitPlan.MountSpec.DIRECTORY));
        return mounts;
    }

    private static InitPlan.MountSpec bind(String source, String target, boolean writable) {
        return new InitPlan.MountSpec(source, target, "bind", writable ? MountFlag.BIND | HARDENED : BIND_READONLY, "",
                MountFlag.PRIVATE | MountFlag.REC, InitPlan.MountSpec.DIRECTORY);
    }
}
