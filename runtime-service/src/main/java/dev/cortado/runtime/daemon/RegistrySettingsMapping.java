package dev.cortado.runtime.daemon;

import dev.cortado.image.registry.Credentials;
import dev.cortado.image.registry.HostSettings;
import dev.cortado.image.registry.RegistryConfig;
import dev.cortado.runtime.config.DaemonConfig.RegistryAuth;
import dev.cortado.runtime.config.DaemonConfig.RegistrySettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Turns the operator's registry settings into the registry client's per-host configuration. */
final class RegistrySettingsMapping {

    private RegistrySettingsMapping() {
    }

    static RegistryConfig toRegistryConfig(RegistrySettings settings) throws StartupException {
        RegistryConfig config = RegistryConfig.defaults();
        Set<String> hosts = new LinkedHashSet<>(settings.mirrors().keySet());
        hosts.addAll(settings.auth().keySet());
        hosts.addAll(settings.insecure());
        for (String host : hosts) {
            HostSettings perHost = HostSettings.DEFAULT
                    .withMirrors(mirrors(host, settings.mirrors().getOrDefault(host, List.of())))
                    .withInsecure(settings.insecure().contains(host))
                    .withCredentials(credentials(host, settings.auth().get(host)));
            config = config.withHost(host, perHost);
        }
        return config;
    }

    private static List<URI> mirrors(String host, List<String> endpoints) throws StartupException {
        List<URI> uris = new ArrayList<>();
        for (String endpoint : endpoints) {
            try {
                URI uri = new URI(endpoint);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new URISyntaxException(endpoint, "expected http://host[:port][/path] or https://...");
                }
                uris.add(uri);
            } catch (URISyntaxException e) {
                throw new StartupException("registry.mirrors.\"" + host + "\": endpoint \"" + endpoint
                        + "\" is not a usable URL: " + e.getReason());
            }
        }
        return uris;
    }

    private static Credentials credentials(String host, RegistryAuth auth) throws StartupException {
        if (auth == null) {
            return Credentials.anonymous();
        }
        try {
            if (!auth.identityToken().isEmpty()) {
                return new Credentials(auth.username().isEmpty() ? null : auth.username(), null,
                        auth.identityToken(), null);
            }
            if (!auth.username().isEmpty()) {
                return Credentials.basic(auth.username(), auth.password());
            }
            if (!auth.auth().isEmpty()) {
                return Credentials.fromAuth(auth.auth());
            }
        } catch (IllegalArgumentException e) {
            throw new StartupException("registry.configs.\"" + host + "\".auth: " + e.getMessage());
        }
        return Credentials.anonymous();
    }
}
