package dev.cortado.runtime.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.shim.plan.InitPlan;

/**
 * A container written down both ways.
 *
 * @param config the OCI config.json
 * @param plan   the shim's init plan
 * @param spec   what both were rendered from (for status, inspect and the cgroup manager)
 */
public record BuiltSpec(ObjectNode config, InitPlan plan, ContainerSpec spec) {
}
