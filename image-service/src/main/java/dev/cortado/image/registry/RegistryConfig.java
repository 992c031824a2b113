package dev.cortado.image.registry;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable settings of the registry client.
 *
 * @param hosts            per-registry settings keyed by the registry as users write it
 *                         ({@code docker.io}, {@code 127.0.0.1:5000}); a mirror's own host may
 *                         have an entry too, for its credentials
 * @param maxAttempts      tries per request, and per blob download counting each resume
 * @param backoffBase      first retry delay; doubled each retry, with jitter, up to backoffMax
 * @param backoffMax       largest retry delay
 * @param connectTimeout   TCP and TLS connect timeout
 * @param readTimeout      longest wait for response headers, and longest silence inside a body
 * @param maxManifestBytes cap on a manifest or index (4 MiB, as registries and containerd use)
 * @param maxConfigBytes   cap on an image config blob (8 MiB: configs with long histories reach
 *                         a few MiB, and it is all held in memory)
 */
public record RegistryConfig(Map<String, HostSettings> hosts, int maxAttempts, Duration backoffBase,
                             Duration backoffMax, Duration connectTimeout, Duration readTimeout,
                             long maxManifestBytes, long maxConfigBytes) {

    public static final long DEFAULT_MAX_MANIFEST_BYTES = 4L << 20;
    public static final long DEFAULT_MAX_CONFIG_BYTES = 8L << 20;

    public RegistryConfig {
        hosts = Map.copyOf(Objects.requireNonNull(hosts, "hosts"));
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        requirePositive(backoffBase, "backoffBase");
        requirePositive(backoffMax, "backoffMax");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        if (maxManifestBytes < 1 || maxConfigBytes < 1) {
            throw new IllegalArgumentException("size caps must be positive");
        }
    }

    /** No host settings, 4 attempts, backoff from 250 ms to 10 s, 10 s connect, 30 s read. */
    public static RegistryConfig defaults() {
        return new RegistryConfig(Map.of(), 4, Duration.ofMillis(250), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(30), DEFAULT_MAX_MANIFEST_BYTES, DEFAULT_MAX_CONFIG_BYTES);
    }

    /** The settings for a registry name; {@code index.docker.io} and {@code docker.io} are one. */
    public HostSettings hostSettings(String registry) {
        HostSettings found = hosts.get(registry);
        if (found == null && (registry.equals("docker.io") || registry.equals("index.docker.io")
                || registry.equals("registry-1.docker.io"))) {
            found = hosts.get("docker.io");
            if (found == null) {
                found = hosts.get("index.docker.io");
            }
        }
        return found == null ? HostSettings.DEFAULT : found;
    }

    public RegistryConfig withHost(String registry, HostSettings settings) {
        Map<String, HostSettings> copy = new HashMap<>(hosts);
        copy.put(Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(settings, "settings"));
        return new RegistryConfig(copy, maxAttempts, backoffBase, backoffMax, connectTimeout, readTimeout,
                maxManifestBytes, maxConfigBytes);
    }

    public RegistryConfig withMaxAttempts(int attempts) {
        return new RegistryConfig(hosts, attempts, backoffBase, backoffMax, connectTimeout, readTimeout,
                maxManifestBytes, maxConfigBytes);
    }

    public RegistryConfig withBackoff(Duration base, Duration max) {
        return new RegistryConfig(hosts, maxAttempts, base, max, connectTimeout, readTimeout,
                maxManifestBytes, maxConfigBytes);
    }

    public RegistryConfig withTimeouts(Duration connect, Duration read) {
        return new RegistryConfig(hosts, maxAttempts, backoffBase, backoffMax, connect, read,
                maxManifestBytes, maxConfigBytes);
    }

    public RegistryConfig withSizeCaps(long manifestBytes, long configBytes) {
        return new RegistryConfig(hosts, maxAttempts, backoffBase, backoffMax, connectTimeout, readTimeout,
                manifestBytes, configBytes);
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
    }
}
