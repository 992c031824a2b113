package dev.cortado.runtime.oci;

import dev.cortado.shim.plan.InitPlan;

import java.util.List;
import java.util.Objects;

/** One entry of config.json's {@code mounts}. */
public record OciMount(String destination, String type, String source, List<String> options) {

    public OciMount {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        options = List.copyOf(options);
    }

    /** The same mount as the init makes it; {@code kind} says what the target must be. */
    public InitPlan.MountSpec toPlan(int kind) {
        MountOptions parsed = MountOptions.parse(options);
        return new InitPlan.MountSpec(source, destination, type, parsed.flags(), parsed.data(),
                parsed.propagation(), kind);
    }
}
