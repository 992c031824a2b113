package dev.cortado.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses in a plugin chain's result. Spec 0.3.0 through 1.x list "ips" (address in CIDR
 * form, gateway, and the index of the interface in "interfaces"); 0.1/0.2 had "ip4" and "ip6".
 */
final class CniResult {

    private CniResult() {
    }

    /** The pod's addresses: those on interfaces inside the sandbox, IPv4 before IPv6. */
    static PodAddresses addresses(JsonNode result) {
        if (result == null || !result.isObject()) {
            return PodAddresses.NONE;
        }
        List<String> found = new ArrayList<>();
        JsonNode ips = result.path("ips");
        if (ips.isArray()) {
            JsonNode interfaces = result.path("interfaces");
            for (JsonNode ip : ips) {
                if (ip.has("interface") && ip.get("interface").canConvertToInt()) {
                    JsonNode where = interfaces.path(ip.get("interface").asInt());
                    if (where.isObject() && where.path("sandbox").asText("").isEmpty()) {
                        continue; // an address on the host side (a bridge's gateway), not the pod's
                    }
                }
                add(found, ip.path("address").asText(""));
            }
        } else {
            add(found, result.path("ip4").path("ip").asText(""));
            add(found, result.path("ip6").path("ip").asText(""));
        }
        List<String> ordered = new ArrayList<>(found.stream().filter(a -> !a.contains(":")).toList());
        ordered.addAll(found.stream().filter(a -> a.contains(":")).toList());
        return ordered.isEmpty() ? PodAddresses.NONE
                : new PodAddresses(ordered.get(0), ordered.subList(1, ordered.size()));
    }

    private static void add(List<String> found, String cidr) {
        if (cidr.isEmpty()) {
            return;
        }
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        if (!found.contains(address)) {
            found.add(address);
        }
    }
}
