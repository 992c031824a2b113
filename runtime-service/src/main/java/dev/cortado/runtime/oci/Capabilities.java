package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.Capability;
import dev.cortado.shim.plan.InitPlan;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A container's five capability sets from containerd CRI's default set and the security
 * context's add/drop lists. "ALL" in add gives every capability the kernel knows and "ALL" in
 * drop removes every one; both are applied before the single names, so that
 * {@code drop: [ALL], add: [NET_BIND_SERVICE]} leaves just that one. Single drops win over single
 * adds, as in containerd.
 *
 * <p>Ambient capabilities (add_ambient_capabilities) also go into the inheritable, permitted and
 * bounding sets, which the kernel requires for raising them. For a non-root user the effective
 * and permitted sets are the ambient ones only: that is what the kernel leaves after execve
 * anyway (containerd writes the full set and lets execve drop it), and saying it here keeps
 * config.json and the init plan telling the truth about the running process.
 */
public final class Capabilities {

    /** containerd's defaultUnixCaps, the same set Docker grants. */
    public static final Set<LinuxCapability> CONTAINERD_DEFAULT = EnumSet.of(
            LinuxCapability.CHOWN, LinuxCapability.DAC_OVERRIDE, LinuxCapability.FSETID, LinuxCapability.FOWNER,
            LinuxCapability.MKNOD, LinuxCapability.NET_RAW, LinuxCapability.SETGID, LinuxCapability.SETUID,
            LinuxCapability.SETFCAP, LinuxCapability.SETPCAP, LinuxCapability.NET_BIND_SERVICE,
            LinuxCapability.SYS_CHROOT, LinuxCapability.KILL, LinuxCapability.AUDIT_WRITE);

    private static final String FIELD = UserRequest.CONTEXT + "capabilities.";

    private Capabilities() {
    }

    public static long mask(Set<LinuxCapability> capabilities) {
        long mask = 0;
        for (LinuxCapability c : capabilities) {
            mask |= c.bit();
        }
        return mask;
    }

    /** Every capability up to {@code lastCapability} that this table can name. */
    public static long all(int lastCapability) {
        int last = Math.min(lastCapability, LinuxCapability.last());
        return last >= 63 ? -1L : (1L << (last + 1)) - 1;
    }

    /**
     * @param request        the security context's capabilities (the default instance when unset)
     * @param uid            the user the process runs as
     * @param lastCapability the kernel's cap_last_cap
     */
    public static InitPlan.Capabilities forContainer(Capability request, long uid, int lastCapability) {
        return forContainerWithin(request, uid, all(lastCapability), false);
    }

    /**
     * As {@link #forContainer(Capability, long, int)} with "ALL" meaning {@code available} (every
     * capability the kernel knows and the daemon holds); a privileged container starts from all of
     * them and ignores add and drop, as containerd does (its ambient list still counts).
     */
    public static InitPlan.Capabilities forContainerWithin(Capability request, long uid, long available,
                                                           boolean privileged) {
        if (privileged) {
            return sets(available, parse(request.getAddAmbientCapabilitiesList(),
                    "add_ambient_capabilities"), uid);
        }
        long caps = mask(CONTAINERD_DEFAULT);
        if (containsAll(request.getAddCapabilitiesList())) {
            caps = available;
        }
        if (containsAll(request.getDropCapabilitiesList())) {
            caps = 0;
        }
        caps |= parse(request.getAddCapabilitiesList(), "add_capabilities");
        caps &= ~parse(request.getDropCapabilitiesList(), "drop_capabilities");
        return sets(caps, parse(request.getAddAmbientCapabilitiesList(), "add_ambient_capabilities"), uid);
    }

    private static InitPlan.Capabilities sets(long caps, long ambient, long uid) {
        long bounding = caps | ambient;
        long active = uid == 0 ? bounding : ambient;
        return new InitPlan.Capabilities(bounding, active, ambient, active, ambient);
    }

    /** OCI names of the capabilities in a mask, by number. */
    public static List<String> names(long mask) {
        List<String> names = new ArrayList<>();
        for (LinuxCapability c : LinuxCapability.values()) {
            if ((mask & c.bit()) != 0) {
                names.add(c.ociName());
            }
        }
        return names;
    }

    private static boolean containsAll(List<String> names) {
        return names.stream().anyMatch(n -> n.trim().toUpperCase(Locale.ROOT).equals("ALL"));
    }

    private static long parse(List<String> names, String field) {
        long mask = 0;
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name.trim().equalsIgnoreCase("ALL")) {
                if (field.equals("add_ambient_capabilities")) {
                    throw InvalidField.of(FIELD + field + "[" + i + "]", "\"ALL\" cannot be ambient");
                }
                continue;
            }
            int index = i;
            mask |= LinuxCapability.parse(name)
                    .orElseThrow(() -> InvalidField.of(FIELD + field + "[" + index + "]",
                            "unknown capability \"" + name + "\""))
                    .bit();
        }
        return mask;
    }
}
