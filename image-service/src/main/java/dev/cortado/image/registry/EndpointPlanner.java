package dev.cortado.image.registry;

import dev.cortado.image.reference.ImageReference;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lists the endpoints to try for a repository, in order: each configured mirror, then the
 * registry itself. The registry is spoken to over HTTPS, except loopback hosts, which get plain
 * HTTP directly, and hosts marked insecure, which get HTTPS without certificate checks and then
 * plain HTTP (as docker does for insecure registries).
 */
final class EndpointPlanner {

    private final RegistryConfig config;

    EndpointPlanner(RegistryConfig config) {
        this.config = config;
    }

    List<Endpoint> plan(ImageReference ref, Credentials pullCredentials) {
        HostSettings settings = config.hostSettings(ref.domain());
        List<Endpoint> endpoints = new ArrayList<>();
        for (URI mirror : settings.mirrors()) {
            Credentials mirrorCredentials = config.hostSettings(authority(mirror)).credentials();
            endpoints.add(new Endpoint(apiRoot(mirror), true, settings.insecure(), mirrorCredentials));
        }
        Credentials credentials = pullCredentials == null || pullCredentials.isAnonymous()
                ? settings.credentials() : pullCredentials;
        String host = ref.registryHost();
        if (isLoopback(host)) {
            endpoints.add(new Endpoint(URI.create("http://" + host + "/v2"), false, false, credentials));
        } else if (settings.insecure()) {
            endpoints.add(new Endpoint(URI.create("https://" + host + "/v2"), false, true, credentials));
            endpoints.add(new Endpoint(URI.create("http://" + host + "/v2"), false, true, credentials));
        } else {
            endpoints.add(new Endpoint(URI.create("https://" + host + "/v2"), false, false, credentials));
        }
        return List.copyOf(endpoints);
    }

    /** The mirror's path with {@code /v2} appended unless it already ends with it. */
    static URI apiRoot(URI mirror) {
        String path = mirror.getRawPath() == null ? "" : mirror.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.endsWith("/v2")) {
            path = path + "/v2";
        }
        return URI.create(mirror.getScheme().toLowerCase(Locale.ROOT) + "://" + mirror.getRawAuthority() + path);
    }

    private static String authority(URI uri) {
        return uri.getRawAuthority();
    }

    /** localhost, 127.0.0.0/8 and ::1, decided from the name alone (no DNS lookup). */
    static boolean isLoopback(String hostAndPort) {
        String host = hostOnly(hostAndPort).toLowerCase(Locale.ROOT);
        if (host.equals("localhost") || host.endsWith(".localhost") || host.equals("::1")
                || host.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4 || !octets[0].equals("127")) {
            return false;
        }
        for (String octet : octets) {
            if (!octet.matches("[0-9]{1,3}") || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    private static String hostOnly(String hostAndPort) {
        if (hostAndPort.startsWith("[")) {
            int close = hostAndPort.indexOf(']');
            return close > 0 ? hostAndPort.substring(1, close) : hostAndPort;
        }
        int colon = hostAndPort.lastIndexOf(':');
        return colon >= 0 ? hostAndPort.substring(0, colon) : hostAndPort;
    }
}
