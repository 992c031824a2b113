package dev.cortado.image.registry;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * How to reach one registry: mirrors to try before it (in order), whether it may be spoken to
 * over plain HTTP or with unverified TLS, and static credentials used when a pull brings none.
 * A mirror URI is an endpoint root such as {@code http://127.0.0.1:5000} or
 * {@code https://mirror.example/prefix}; {@code /v2} is appended to its path unless the path
 * already ends with it. The insecure flag covers the registry and the mirrors listed here.
 */
public record HostSettings(List<URI> mirrors, boolean insecure, Credentials credentials) {

    public static final HostSettings DEFAULT = new HostSettings(List.of(), false, Credentials.anonymous());

    public HostSettings {
        mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
        credentials = credentials == null ? Credentials.anonymous() : credentials;
        for (URI mirror : mirrors) {
            validateMirror(mirror);
        }
    }

    public HostSettings withMirrors(List<URI> newMirrors) {
        return new HostSettings(newMirrors, insecure, credentials);
    }

    public HostSettings withInsecure(boolean newInsecure) {
        return new HostSettings(mirrors, newInsecure, credentials);
    }

    public HostSettings withCredentials(Credentials newCredentials) {
        return new HostSettings(mirrors, insecure, newCredentials);
    }

    private static void validateMirror(URI mirror) {
        String scheme = mirror.getScheme() == null ? "" : mirror.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("mirror \"" + mirror + "\" must be an http:// or https:// URI");
        }
        if (mirror.getHost() == null) {
            throw new IllegalArgumentException("mirror \"" + mirror + "\" has no host");
        }
        if (mirror.getRawQuery() != null || mirror.getRawFragment() != null || mirror.getRawUserInfo() != null) {
            throw new IllegalArgumentException("mirror \"" + mirror
                    + "\" must not carry a query, fragment or user info; put credentials in the mirror's own host settings");
        }
    }
}
