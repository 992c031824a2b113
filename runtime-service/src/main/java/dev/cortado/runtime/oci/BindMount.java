package dev.cortado.runtime.oci;

import dev.cortado.shim.plan.InitPlan;

/**
 * A host path bound into the container.
 *
 * @param kind {@link InitPlan.MountSpec#DIRECTORY} or {@link InitPlan.MountSpec#FILE}, from what
 *             the host path is, so that the init creates the right kind of mount point
 */
public record BindMount(OciMount mount, int kind) {

    public InitPlan.MountSpec toPlan() {
        return mount.toPlan(kind);
    }
}
