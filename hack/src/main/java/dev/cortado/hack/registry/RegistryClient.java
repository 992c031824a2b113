package dev.cortado.hack.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain HTTP to a registry that answers auth challenges itself: on a 401 it retries once with Basic
 * credentials, or fetches a Bearer token from the challenge's realm for the challenged scope (and
 * then reuses it for the same repository). Meant for tests and test-image pushes, not production.
 */
public final class RegistryClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REPOSITORY_PATH = Pattern.compile("^/v2/(.+?)/(manifests|blobs|tags)/.*$");
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);

    private final URI baseUri;
    private final Credentials credentials;
    private final HttpClient http;
    private final Map<String, String> tokensByRepository = new ConcurrentHashMap<>();
    private final AtomicInteger tokenFetches = new AtomicInteger();
    private volatile boolean basicPreemptively;

    /** {@code credentials} may be null for an anonymous client. */
    public RegistryClient(URI baseUri, Credentials credentials) {
        this.baseUri = baseUri;
        this.credentials = credentials;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public URI baseUri() {
        return baseUri;
    }

    /** Resolves a path such as {@code /v2/busybox/manifests/latest} against the registry. */
    public URI uri(String path) {
        return baseUri.resolve(path);
    }

    /** How many tokens this client fetched from a token server. */
    public int tokenFetches() {
        return tokenFetches.get();
    }

    /** GET with the given Accept media types; returns whatever status the registry answers. */
    public HttpResponse<byte[]> get(String path, String... accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (accept.length > 0) {
            request.header("Accept", String.join(", ", accept));
        }
        return send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** HEAD with the given Accept media types. */
    public HttpResponse<Void> head(String path, String... accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).method("HEAD", HttpRequest.BodyPublishers.noBody());
        if (accept.length > 0) {
            request.header("Accept", String.join(", ", accept));
        }
        return send(request, HttpResponse.BodyHandlers.discarding());
    }

    /** Sends a request (its body must be re-sendable) and answers one auth challenge if the registry poses it. */
    public <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        String repository = repositoryOf(request.copy().build().uri());
        HttpResponse<T> response = exchange(authorized(request, repository), handler);
        if (response.statusCode() != 401) {
            return response;
        }
        Optional<AuthChallenge> challenge = AuthChallenge.parse(
                response.headers().firstValue("WWW-Authenticate").orElse(null));
        if (challenge.isEmpty()) {
            return response;
        }
        if (challenge.get().scheme().equals("basic")) {
            if (credentials == null) {
                return response;
            }
            basicPreemptively = true;
        } else if (challenge.get().scheme().equals("bearer")) {
            tokensByRepository.put(repository, fetchToken(challenge.get()));
        } else {
            return response;
        }
        return exchange(authorized(request, repository), handler);
    }

    private HttpRequest authorized(HttpRequest.Builder request, String repository) {
        HttpRequest.Builder copy = request.copy().timeout(REQUEST_TIMEOUT);
        String token = tokensByRepository.get(repository);
        if (token != null) {
            copy.setHeader("Authorization", "Bearer " + token);
        } else if (basicPreemptively && credentials != null) {
            copy.setHeader("Authorization", credentials.basicAuthorization());
        }
        return copy.build();
    }

    private String fetchToken(AuthChallenge challenge) {
        String realm = challenge.param("realm");
        if (realm == null) {
            throw new IllegalStateException("Bearer challenge from " + baseUri + " names no realm: " + challenge);
        }
        StringBuilder query = new StringBuilder();
        appendParam(query, "service", challenge.param("service"));
        String scope = challenge.param("scope");
        if (scope != null) {
            for (String one : scope.split(" ")) {
                appendParam(query, "scope", one);
            }
        }
        URI tokenUri = URI.create(realm + (query.length() == 0 ? "" : (realm.contains("?") ? "&" : "?") + query));
        HttpRequest.Builder request = HttpRequest.newBuilder(tokenUri).timeout(REQUEST_TIMEOUT).GET();
        if (credentials != null) {
            request.header("Authorization", credentials.basicAuthorization());
        }
        tokenFetches.incrementAndGet();
        HttpResponse<String> response = exchange(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new RegistryException("token server refused a token for scope " + scope
                    + (credentials == null ? " (anonymous)" : " as " + credentials.username()),
                    tokenUri, response.statusCode(), response.body());
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            JsonNode token = body.hasNonNull("token") ? body.get("token") : body.get("access_token");
            if (token == null || token.asText().isEmpty()) {
                throw new RegistryException("token server answered without a token", tokenUri, 200, response.body());
            }
            return token.asText();
        } catch (IOException e) {
            throw new RegistryException("token server answered non-JSON", tokenUri, 200, response.body());
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }

    private static String repositoryOf(URI uri) {
        Matcher matcher = REPOSITORY_PATH.matcher(uri.getPath());
        return matcher.matches() ? matcher.group(1) : "";
    }

    private static void appendParam(StringBuilder query, String key, String value) {
        if (value == null) {
            return;
        }
        if (query.length() > 0) {
            query.append('&');
        }
        query.append(key).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
