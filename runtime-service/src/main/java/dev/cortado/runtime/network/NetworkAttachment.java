package dev.cortado.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the network cache remembers of one pod: enough to run DEL and CHECK exactly as ADD ran,
 * even after a restart and even if the configuration directory changed meanwhile.
 *
 * @param podId         the sandbox id, CNI_CONTAINERID
 * @param netns         the network namespace file ADD was given
 * @param ifName        the interface name inside the pod
 * @param args          CNI_ARGS as given to ADD
 * @param network       the configuration list used: name, cniVersion and plugins, as loaded
 * @param runtimeConfig the runtime values (portMappings, dns, ...) before capability filtering
 * @param result        the chain's final result; null until ADD has completed
 */
public record NetworkAttachment(String podId, String netns, String ifName, String args, ObjectNode network,
                                ObjectNode runtimeConfig, JsonNode result) {

    public NetworkAttachment {
        if (result != null && (result.isNull() || result.isMissingNode())) {
            result = null; // a cache written before ADD completed holds "result": null
        }
    }

    NetworkAttachment withResult(JsonNode finalResult) {
        return new NetworkAttachment(podId, netns, ifName, args, network, runtimeConfig, finalResult);
    }

    String name() {
        return network.path("name").asText();
    }

    String cniVersion() {
        return network.path("cniVersion").asText("0.1.0");
    }
}
