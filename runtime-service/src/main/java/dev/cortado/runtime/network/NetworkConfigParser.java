package dev.cortado.runtime.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a .conf, .conflist or .json network configuration into a {@link NetworkConfig}. */
final class NetworkConfigParser {

    private final ObjectMapper json = new ObjectMapper();

    /** @throws InvalidNetworkConfigException saying what is wrong, naming the file */
    NetworkConfig parse(Path file, byte[] content) throws InvalidNetworkConfigException {
        JsonNode tree;
        try {
            tree = json.readTree(content);
        } catch (JsonProcessingException e) {
            throw new InvalidNetworkConfigException(file + " is not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new InvalidNetworkConfigException(file + " is unreadable: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidNetworkConfigException(file + " does not hold a JSON object");
        }
        String name = required(file, tree, "name");
        String version = tree.path("cniVersion").asText("0.1.0");
        if (version.isBlank()) {
            version = "0.1.0";
        }
        List<ObjectNode> plugins = new ArrayList<>();
        boolean isList = tree.has("plugins") || file.getFileName().toString().endsWith(".conflist");
        if (isList) {
            JsonNode list = tree.path("plugins");
            if (!list.isArray() || list.isEmpty()) {
                throw new InvalidNetworkConfigException(file + ": \"plugins\" must be a non-empty list");
            }
            for (JsonNode plugin : list) {
                if (!plugin.isObject()) {
                    throw new InvalidNetworkConfigException(file + ": every entry of \"plugins\" must be an object");
                }
                plugins.add(checkType(file, (ObjectNode) plugin));
            }
        } else {
            plugins.add(checkType(file, (ObjectNode) tree.deepCopy()));
        }
        return new NetworkConfig(name, version, plugins, tree.path("disableCheck").asBoolean(false), file);
    }

    private static ObjectNode checkType(Path file, ObjectNode plugin) throws InvalidNetworkConfigException {
        String type = plugin.path("type").asText("");
        if (type.isBlank()) {
            throw new InvalidNetworkConfigException(file + ": a plugin has no \"type\"");
        }
        if (type.contains("/") || type.equals("..") || type.equals(".")) {
            throw new InvalidNetworkConfigException(file + ": plugin type \"" + type + "\" is not a plain file name");
        }
        return plugin;
    }

    private static String required(Path file, JsonNode tree, String key) throws InvalidNetworkConfigException {
        String value = tree.path(key).asText("");
        if (value.isBlank()) {
            throw new InvalidNetworkConfigException(file + ": \"" + key + "\" is missing");
        }
        return value;
    }

    /** A configuration file that cannot be used, with the reason. */
    static final class InvalidNetworkConfigException extends Exception {
        InvalidNetworkConfigException(String message) {
            super(message);
        }
    }
}
