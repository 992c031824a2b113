package dev.cortado.runtime.network;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the configuration directory offers right now: a usable network (its configuration and
 * each plugin type's binary), or why there is none.
 *
 * @param config  the configuration found, or null when there is none or it is invalid
 * @param plugins plugin type to its binary, for every plugin of the configuration (only when ready)
 * @param reason  short CamelCase reason when not ready (the CRI condition's reason)
 * @param message what is missing, for a person
 */
public record NetworkState(NetworkConfig config, Map<String, Path> plugins, String reason, String message) {

    public NetworkState {
        plugins = Map.copyOf(plugins);
    }

    static NetworkState ready(NetworkConfig config, Map<String, Path> plugins) {
        return new NetworkState(config, plugins, "", "");
    }

    static NetworkState notReady(NetworkConfig config, String reason, String message) {
        return new NetworkState(config, Map.of(), reason, message);
    }

    public boolean ready() {
        return reason.isEmpty();
    }

    /** Whether there is no configuration file at all (as opposed to a broken one). */
    public boolean unconfigured() {
        return config == null && reason.equals(NetworkConfigSource.NO_CONFIG);
    }
}
