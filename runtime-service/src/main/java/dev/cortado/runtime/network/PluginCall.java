package dev.cortado.runtime.network;

/**
 * The CNI environment of one plugin invocation.
 *
 * @param command     ADD, DEL or CHECK
 * @param containerId CNI_CONTAINERID: the pod sandbox's id
 * @param netns       CNI_NETNS: the pod's pinned network namespace file ("" when it is gone)
 * @param ifName      CNI_IFNAME: the interface to make inside the pod
 * @param args        CNI_ARGS: K=V pairs joined by ';'
 * @param cniPath     CNI_PATH: where plugins find delegated plugins (IPAM)
 */
record PluginCall(String command, String containerId, String netns, String ifName, String args, String cniPath) {

    PluginCall as(String otherCommand) {
        return new PluginCall(otherCommand, containerId, netns, ifName, args, cniPath);
    }
}
