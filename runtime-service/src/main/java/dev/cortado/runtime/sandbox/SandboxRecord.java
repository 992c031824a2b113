package dev.cortado.runtime.sandbox;

import dev.cortado.runtime.namespace.PinnedNamespaces;

/**
 * What is remembered about a pod across daemon restarts.
 *
 * @param id             64 hex characters
 * @param config         the kubelet's PodSandboxConfig, protobuf-encoded
 * @param runtimeHandler the RuntimeClass handler it was asked for ("" for the default)
 * @param createdAt      nanoseconds since the epoch
 * @param ready          SANDBOX_READY until StopPodSandbox
 * @param namespaces     the pod's pinned namespaces (null entries: the node's)
 * @param cgroup         the pod's cgroup path
 * @param ownsCgroup     whether cortado created the cgroup (and removes it); false under a
 *                       kubelet-managed cgroup_parent
 * @param podInitPid     the pod init holding the pod's PID namespace, or 0
 * @param podInitSocket  its shim's control socket, or null
 * @param filesDir       where the pod's hostname, hosts, resolv.conf and /dev/shm live
 * @param shmMounted     whether filesDir/shm is a tmpfs of ours; set before it is mounted, so that
 *                       a crash in between still unmounts it
 */
public record SandboxRecord(String id, byte[] config, String runtimeHandler, long createdAt, boolean ready,
                            PinnedNamespaces namespaces, String cgroup, boolean ownsCgroup, int podInitPid,
                            String podInitSocket, String filesDir, boolean shmMounted) {

    public SandboxRecord withReady(boolean nowReady) {
        return new SandboxRecord(id, config, runtimeHandler, createdAt, nowReady, namespaces, cgroup, ownsCgroup,
                podInitPid, podInitSocket, filesDir, shmMounted);
    }

    public SandboxRecord withNamespaces(PinnedNamespaces pinned) {
        return new SandboxRecord(id, config, runtimeHandler, createdAt, ready, pinned, cgroup, ownsCgroup, podInitPid,
                podInitSocket, filesDir, shmMounted);
    }

    public SandboxRecord withPodInit(int pid, String socket) {
        return new SandboxRecord(id, config, runtimeHandler, createdAt, ready, namespaces, cgroup, ownsCgroup, pid,
                socket, filesDir, shmMounted);
    }
}
