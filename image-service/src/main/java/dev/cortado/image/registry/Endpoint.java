package dev.cortado.image.registry;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * One place a repository can be read from: the registry itself or a mirror, with its API root
 * (the URI that {@code /<repository>/manifests/<ref>} is appended to, ending in {@code /v2}).
 *
 * @param apiRoot       e.g. {@code http://127.0.0.1:5000/v2}
 * @param mirror        whether this is a mirror (failures move on) or the registry (its answer is final)
 * @param skipTlsVerify whether certificates are not checked (insecure hosts)
 * @param credentials   what this endpoint is authenticated with; a pull's credentials are only
 *                      ever sent to the registry itself, never to a mirror
 */
record Endpoint(URI apiRoot, boolean mirror, boolean skipTlsVerify, Credentials credentials) {

    Endpoint {
        Objects.requireNonNull(apiRoot, "apiRoot");
        Objects.requireNonNull(credentials, "credentials");
    }

    /** {@code <apiRoot>/<repository>/<kind>/<reference>}. */
    URI resolve(String repository, String kind, String reference) {
        return URI.create(apiRoot + "/" + repository + "/" + kind + "/" + reference);
    }

    boolean isPlainHttp() {
        return apiRoot.getScheme().equalsIgnoreCase("http");
    }

    /** Whether {@code uri} is on this endpoint's origin, so that its Authorization may go there. */
    boolean sameOrigin(URI uri) {
        return sameOrigin(apiRoot, uri);
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return uri.getScheme().toLowerCase(Locale.ROOT).equals("https") ? 443 : 80;
    }

    @Override
    public String toString() {
        return apiRoot.toString();
    }
}
