package dev.cortado.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.cri.v1.DNSConfig;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PortMapping;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The CNI "runtimeConfig" values a pod offers (the conventions' capability names), and the
 * part of them one plugin receives: only what its "capabilities" declare.
 */
final class RuntimeConfigs {

    static final String INGRESS_ANNOTATION = "kubernetes.io/ingress-bandwidth";
    static final String EGRESS_ANNOTATION = "kubernetes.io/egress-bandwidth";
    /** The burst the kubelet's own bandwidth support used: effectively unlimited. */
    private static final long UNLIMITED_BURST = Integer.MAX_VALUE;

    private RuntimeConfigs() {
    }

    /** Every value the pod has: portMappings, dns, bandwidth, and ipRanges from the node's pod CIDR. */
    static ObjectNode of(PodSandboxConfig config, String podCidr) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode ports = JsonNodeFactory.instance.arrayNode();
        for (PortMapping mapping : config.getPortMappingsList()) {
            if (mapping.getHostPort() <= 0) {
                continue; // a containerPort alone is documentation, not a mapping
            }
            ObjectNode port = ports.addObject();
            port.put("hostPort", mapping.getHostPort());
            port.put("containerPort", mapping.getContainerPort());
            port.put("protocol", mapping.getProtocol().name().toLowerCase(Locale.ROOT));
            if (!mapping.getHostIp().isEmpty()) {
                port.put("hostIP", mapping.getHostIp());
            }
        }
        if (!ports.isEmpty()) {
            out.set("portMappings", ports);
        }
        DNSConfig dns = config.getDnsConfig();
        if (dns.getServersCount() + dns.getSearchesCount() + dns.getOptionsCount() > 0) {
            ObjectNode node = out.putObject("dns");
            dns.getServersList().forEach(node.putArray("servers")::add);
            dns.getSearchesList().forEach(node.putArray("searches")::add);
            dns.getOptionsList().forEach(node.putArray("options")::add);
        }
        Map<String, String> annotations = config.getAnnotationsMap();
        long ingress = bitsPerSecond(annotations.get(INGRESS_ANNOTATION));
        long egress = bitsPerSecond(annotations.get(EGRESS_ANNOTATION));
        if (ingress > 0 || egress > 0) {
            ObjectNode bandwidth = out.putObject("bandwidth");
            if (ingress > 0) {
                bandwidth.put("ingressRate", ingress).put("ingressBurst", UNLIMITED_BURST);
            }
            if (egress > 0) {
                bandwidth.put("egressRate", egress).put("egressBurst", UNLIMITED_BURST);
            }
        }
        if (podCidr != null && !podCidr.isBlank()) {
            ArrayNode ranges = out.putArray("ipRanges");
            for (String cidr : podCidr.split(",")) {
                ranges.addArray().addObject().put("subnet", cidr.trim());
            }
        }
        return out;
    }

    /** The part of {@code all} a plugin declared it takes, or null when it takes none of it. */
    static ObjectNode forPlugin(ObjectNode plugin, ObjectNode all) {
        JsonNode capabilities = plugin.path("capabilities");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (capabilities.path(entry.getKey()).asBoolean(false)) {
                out.set(entry.getKey(), entry.getValue());
            }
        }
        return out.isEmpty() ? null : out;
    }

    /** A Kubernetes quantity ("10M", "1Gi", "500k") in bits per second; 0 when absent or unreadable. */
    static long bitsPerSecond(String quantity) {
        if (quantity == null || quantity.isBlank()) {
            return 0;
        }
        String text = quantity.trim();
        int split = 0;
        while (split < text.length() && (Character.isDigit(text.charAt(split)) || text.charAt(split) == '.')) {
            split++;
        }
        try {
            double number = Double.parseDouble(text.substring(0, split));
            double factor = switch (text.substring(split)) {
                case "" -> 1;
                case "k" -> 1e3;
                case "M" -> 1e6;
                case "G" -> 1e9;
                case "T" -> 1e12;
                case "Ki" -> 1024;
                case "Mi" -> 1024.0 * 1024;
                case "Gi" -> 1024.0 * 1024 * 1024;
                case "Ti" -> 1024.0 * 1024 * 1024 * 1024;
                default -> -1;
            };
            return factor < 0 ? 0 : (long) (number * factor);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
