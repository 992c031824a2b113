package dev.cortado.runtime.oci;

import java.util.Objects;

/**
 * The namespaces a container enters, as the sandbox decided them from the CRI namespace options:
 * usually the pod's pinned network, IPC and UTS namespaces and either the pod's PID namespace or
 * one of its own. A mount namespace is always new.
 */
public record PodNamespaces(NamespaceSetting network, NamespaceSetting ipc, NamespaceSetting uts,
                            NamespaceSetting pid) {

    public PodNamespaces {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(ipc, "ipc");
        Objects.requireNonNull(uts, "uts");
        Objects.requireNonNull(pid, "pid");
    }
}
