package dev.cortado.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cortado.image.registry.RegistryException.Kind;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Obtains bearer tokens from a registry's token service (the distribution token protocol):
 * a GET with Basic credentials, or anonymous, or, with an identity token, the OAuth2 POST form.
 */
final class TokenFetcher {

    /** Docker's floor: tokens said to live shorter are still kept this long. */
    static final Duration MIN_LIFETIME = Duration.ofSeconds(60);
    static final String CLIENT_ID = "cortado";
    private static final long MAX_TOKEN_RESPONSE = 1 << 20;

    private static final ObjectReader JSON = JsonMapper.builder().build().reader();

    record Token(String value, Duration lifetime) {
    }

    private final HttpTransport http;
    private final RetryPolicy retry;

    TokenFetcher(HttpTransport http, RetryPolicy retry) {
        this.http = http;
        this.retry = retry;
    }

    /**
     * @param registry the registry being pulled from, for messages
     * @param skipTls  whether the token service's certificate goes unchecked (same insecure host)
     */
    Token fetch(AuthChallenge challenge, String scope, Credentials credentials, String registry, boolean skipTls)
            throws IOException {
        URI realm = realm(challenge, registry);
        String service = challenge.parameter("service");
        Map<String, String> params = new LinkedHashMap<>();
        if (service != null) {
            params.put("service", service);
        }
        params.put("scope", scope);
        for (int attempt = 1; ; attempt++) {
            HttpReply response;
            try {
                response = send(realm, params, credentials, skipTls);
            } catch (IOException e) {
                if (!retry.mayRetry(e, attempt)) {
                    throw new RegistryException(Kind.UNREACHABLE, "registry " + registry
                            + ": cannot reach its token service " + realm + ": " + Failures.describe(e), e);
                }
                RetryPolicy.sleep(retry.backoff(attempt));
                continue;
            }
            try (InputStream body = response.body()) {
                int status = response.status();
                if (status == 200) {
                    return parse(body, realm, registry);
                }
                if (!RetryPolicy.isRetryableStatus(status) || attempt >= retry.maxAttempts()) {
                    throw refused(status, Bodies.errorSummary(body), realm, credentials, registry);
                }
            }
            RetryPolicy.sleep(retry.backoff(attempt));
        }
    }

    private HttpReply send(URI realm, Map<String, String> params, Credentials credentials,
                                           boolean skipTls) throws IOException {
        if (credentials.identityToken() != null) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", credentials.identityToken());
            form.putAll(params);
            form.put("client_id", CLIENT_ID);
            return http.postForm(realm, Map.of(), encode(form), skipTls);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        String basic = credentials.basicAuthorization();
        if (basic != null) {
            headers.put("Authorization", basic);
        }
        String separator = realm.getRawQuery() == null ? "?" : "&";
        return http.get(URI.create(realm + separator + encode(params)), headers, skipTls);
    }

    private static Token parse(InputStream body, URI realm, String registry) throws IOException {
        byte[] bytes = Bodies.readAtMost(body, MAX_TOKEN_RESPONSE);
        if (bytes == null) {
            throw new RegistryException(Kind.PROTOCOL, "registry " + registry + ": token service " + realm
                    + " answered with more than " + MAX_TOKEN_RESPONSE + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new RegistryException(Kind.PROTOCOL, "registry " + registry + ": token service " + realm
                    + " answered with invalid JSON", e);
        }
        String token = root == null ? "" : root.path("token").asText("");
        if (token.isEmpty() && root != null) {
            token = root.path("access_token").asText("");
        }
        if (token.isEmpty()) {
            throw new RegistryException(Kind.PROTOCOL, "registry " + registry + ": token service " + realm
                    + " answered without a token");
        }
        long seconds = root.path("expires_in").asLong(0);
        Duration lifetime = Duration.ofSeconds(seconds);
        return new Token(token, lifetime.compareTo(MIN_LIFETIME) < 0 ? MIN_LIFETIME : lifetime);
    }

    private static RegistryException refused(int status, String detail, URI realm, Credentials credentials,
                                             String registry) {
        String suffix = detail.isEmpty() ? "" : ": " + detail;
        if (status == 401 || status == 403) {
            String who = credentials.isAnonymous() ? "an anonymous token request" : "the credentials (" + credentials.describe() + ")";
            return new RegistryException(Kind.UNAUTHORIZED, "registry " + registry + " refused " + who
                    + " at its token service " + realm + " (HTTP " + status + ")" + suffix);
        }
        return new RegistryException(Kind.PROTOCOL, "registry " + registry + ": token service " + realm
                + " answered HTTP " + status + suffix);
    }

    private static URI realm(AuthChallenge challenge, String registry) throws RegistryException {
        String realm = challenge.parameter("realm");
        URI uri;
        try {
            uri = realm == null ? null : URI.create(realm);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null
                || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            throw new RegistryException(Kind.PROTOCOL, "registry " + registry
                    + " sent a Bearer challenge without a usable realm: " + realm);
        }
        return uri;
    }

    private static String encode(Map<String, String> params) {
        StringJoiner joined = new StringJoiner("&");
        params.forEach((k, v) -> joined.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return joined.toString();
    }
}
