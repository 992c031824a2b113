package dev.cortado.image.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The authentication of one session against its endpoints: what Authorization to send, and how
 * to answer a 401's challenge (Basic: send the credentials; Bearer: get a token for the pull
 * scope, cached in the client). A registry token from the CRI is sent as the bearer token as is.
 */
final class Authenticator {

    private enum Scheme { BASIC, BEARER }

    private final TokenCache tokens;
    private final TokenFetcher fetcher;
    private final String scope;
    private final Map<Endpoint, Scheme> schemes = new ConcurrentHashMap<>();

    /** @param repository the repository path; tokens are asked for {@code repository:<path>:pull} */
    Authenticator(TokenCache tokens, TokenFetcher fetcher, String repository) {
        this.tokens = tokens;
        this.fetcher = fetcher;
        this.scope = "repository:" + repository + ":pull";
    }

    String scope() {
        return scope;
    }

    /** The Authorization header value for a request to the endpoint's own origin, or null. */
    String authorization(Endpoint endpoint) {
        Credentials credentials = endpoint.credentials();
        if (credentials.registryToken() != null) {
            return "Bearer " + credentials.registryToken();
        }
        Scheme scheme = schemes.get(endpoint);
        if (scheme == Scheme.BASIC) {
            return credentials.basicAuthorization();
        }
        // Also for an endpoint this session has not challenged yet: another session's token
        // for the same scope and credentials saves a 401 round trip.
        String token = tokens.get(key(endpoint));
        return token == null ? null : "Bearer " + token;
    }

    /**
     * Answers a 401 from the endpoint. Returns true when the request should be sent again with
     * {@link #authorization(Endpoint)}, false when nothing more can be tried (the caller then
     * reports the 401). Throws when the token service refuses or fails.
     *
     * @param sent     the Authorization that was refused, or null
     * @param registry the registry's name, for messages
     */
    boolean answer(Endpoint endpoint, HttpHeaders headers, String sent, String registry) throws IOException {
        Credentials credentials = endpoint.credentials();
        if (credentials.registryToken() != null) {
            return false;
        }
        List<AuthChallenge> challenges = AuthChallenge.parseAll(headers.allValues("WWW-Authenticate"));
        AuthChallenge bearer = find(challenges, "bearer");
        if (bearer != null) {
            if (sent != null && sent.startsWith("Bearer ")) {
                tokens.invalidate(key(endpoint), sent.substring("Bearer ".length()));
            }
            // An insecure registry's own token service is as unverified as the registry; any
            // other token service must present a valid certificate.
            TokenFetcher.Token token = fetcher.fetch(bearer, scope, credentials, registry,
                    endpoint.skipTlsVerify() && onEndpointHost(bearer.parameter("realm"), endpoint));
            tokens.put(key(endpoint), token.value(), token.lifetime());
            schemes.put(endpoint, Scheme.BEARER);
            return true;
        }
        if (find(challenges, "basic") != null && credentials.hasUsernamePassword()
                && (sent == null || !sent.startsWith("Basic "))) {
            schemes.put(endpoint, Scheme.BASIC);
            return true;
        }
        return false;
    }

    private TokenCache.Key key(Endpoint endpoint) {
        return new TokenCache.Key(endpoint.apiRoot().toString(), scope, endpoint.credentials().fingerprint());
    }

    private static boolean onEndpointHost(String realm, Endpoint endpoint) {
        try {
            String host = realm == null ? null : URI.create(realm).getHost();
            return host != null && host.equalsIgnoreCase(endpoint.apiRoot().getHost());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static AuthChallenge find(List<AuthChallenge> challenges, String scheme) {
        for (AuthChallenge challenge : challenges) {
            if (challenge.scheme().equals(scheme)) {
                return challenge;
            }
        }
        return null;
    }
}
