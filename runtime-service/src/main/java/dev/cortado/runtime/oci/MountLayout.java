package dev.cortado.runtime.oci;

import dev.cortado.shim.plan.InitPlan;

import java.util.ArrayList;
import java.util.List;

/**
 * The container's whole filesystem layout in mounting order: the defaults that no CRI mount
 * replaces, the cgroup view, the binds, and /dev's nodes and links unless /dev itself comes
 * from the host (then nothing may be created in it).
 *
 * @param mounts     config.json's mounts
 * @param planMounts the init's mounts, beginning with the "/" propagation record
 * @param devices    nodes to create in /dev
 */
public record MountLayout(List<OciMount> mounts, List<InitPlan.MountSpec> planMounts,
                          List<InitPlan.DeviceNode> devices) {

    public MountLayout {
        mounts = List.copyOf(mounts);
        planMounts = List.copyOf(planMounts);
        devices = List.copyOf(devices);
    }

    public static MountLayout of(ResolvedMounts binds, CgroupPlacement cgroups,
                                 List<DeviceResolver.ContainerDevice> requestedDevices) {
        return of(binds, cgroups, requestedDevices, false);
    }

    /** @param privileged /sys and the container's cgroups writable */
    public static MountLayout of(ResolvedMounts binds, CgroupPlacement cgroups,
                                 List<DeviceResolver.ContainerDevice> requestedDevices, boolean privileged) {
        List<OciMount> mounts = new ArrayList<>();
        List<InitPlan.MountSpec> plan = new ArrayList<>();
        plan.add(new InitPlan.MountSpec("", "/", "", 0, "", binds.rootPropagation(),
                InitPlan.MountSpec.ROOT_PROPAGATION));
        for (OciMount m : privileged ? DefaultMounts.privilegedBase() : DefaultMounts.base()) {
            if (!DefaultMounts.overridden(m.destination(), binds.destinations())) {
                mounts.add(m);
                plan.add(m.toPlan(InitPlan.MountSpec.DIRECTORY));
            }
        }
        if (!binds.destinations().contains(DefaultMounts.SYS_FS_CGROUP)) {
            mounts.add(privileged ? DefaultMounts.CGROUP_WRITABLE : DefaultMounts.CGROUP);
            plan.addAll(CgroupMounts.plan(cgroups, privileged));
        }
        for (BindMount bind : binds.binds()) {
            mounts.add(bind.mount());
            plan.add(bind.toPlan());
        }
        List<InitPlan.DeviceNode> devices = new ArrayList<>();
        boolean ownDev = !binds.destinations().contains(DefaultMounts.DEV);
        if (ownDev) {
            plan.addAll(DefaultDevices.links());
            List<String> requestedPaths = requestedDevices.stream().map(d -> d.node().path()).toList();
            DefaultDevices.nodes().stream().filter(n -> !requestedPaths.contains(n.path())).forEach(devices::add);
        } else if (!requestedDevices.isEmpty()) {
            throw InvalidField.of("devices", "cannot create device nodes in a /dev that is bound from the host");
        }
        requestedDevices.forEach(d -> devices.add(d.node()));
        return new MountLayout(mounts, plan, devices);
    }
}
