package dev.cortado.runtime.oci;

import java.util.List;
import java.util.Set;

/**
 * The container's bind mounts, in mounting order (shallower destinations first), and what they
 * need of the container's "/".
 *
 * @param binds           CRI mounts and the pod's files
 * @param destinations    every bind destination, to drop the defaults they replace
 * @param rootPropagation MS_REC with MS_PRIVATE, or MS_SLAVE when a mount receives host mounts,
 *                        or MS_SHARED when one propagates both ways
 */
public record ResolvedMounts(List<BindMount> binds, Set<String> destinations, long rootPropagation) {

    public ResolvedMounts {
        binds = List.copyOf(binds);
        destinations = Set.copyOf(destinations);
    }
}
