package dev.cortado.runtime.network;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * One network configuration list, as libcni would load it: a .conflist as written, a single
 * .conf wrapped into a one-plugin list.
 *
 * @param name         the network's name, given to every plugin
 * @param cniVersion   the spec version the list speaks, given to every plugin
 * @param plugins      each plugin's own configuration, in chain order (each has a "type")
 * @param disableCheck whether the list asks never to run CHECK
 * @param source       the file it came from, for messages
 */
public record NetworkConfig(String name, String cniVersion, List<ObjectNode> plugins, boolean disableCheck,
                            Path source) {

    public NetworkConfig {
        plugins = List.copyOf(plugins);
    }

    public List<String> pluginTypes() {
        return plugins.stream().map(p -> p.path("type").asText()).toList();
    }
}
