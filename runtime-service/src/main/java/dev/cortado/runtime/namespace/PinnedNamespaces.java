package dev.cortado.runtime.namespace;

/**
 * The namespace files a pod's containers join: bind mounts that keep each namespace alive while
 * no process is in it. A null path means the pod uses the node's namespace of that kind.
 */
public record PinnedNamespaces(String net, String ipc, String uts, String pid) {

    public static PinnedNamespaces none() {
        return new PinnedNamespaces(null, null, null, null);
    }

    public PinnedNamespaces withPid(String pidPath) {
        return new PinnedNamespaces(net, ipc, uts, pidPath);
    }
}
