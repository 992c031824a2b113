package dev.cortado.runtime.network;

import java.util.List;

/**
 * A pod's addresses as PodSandboxStatus reports them.
 *
 * @param ip         the primary address (IPv4 first when there is one), "" when none
 * @param additional the others, e.g. the IPv6 address of a dual-stack pod
 */
public record PodAddresses(String ip, List<String> additional) {

    public static final PodAddresses NONE = new PodAddresses("", List.of());

    public PodAddresses {
        additional = List.copyOf(additional);
    }
}
