package dev.cortado.runtime.sandbox;

import dev.cortado.runtime.cgroup.Cgroup;
import dev.cortado.runtime.namespace.PinnedNamespaces;
import java.io.IOException;

/** Starts and stops the process that is pid 1 of a pod's shared PID namespace. */
public interface PodInits {

    /** A running pod init: its pid and its shim's control socket. */
    record Started(int pid, String socket) {
    }

    Started start(String podId, PinnedNamespaces namespaces, Cgroup cgroup) throws IOException;

    /** Stops it (every process of the PID namespace dies with it); idempotent. */
    void stop(String socket, int pid) throws IOException;
}
