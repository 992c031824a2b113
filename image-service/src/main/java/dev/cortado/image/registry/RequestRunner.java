package dev.cortado.image.registry;

import dev.cortado.image.registry.RegistryException.Kind;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Runs one logical GET against one endpoint: answers authentication challenges (once), follows
 * redirects itself (the registry's Authorization never goes to another origin, e.g. blob
 * storage), and retries transient failures with backoff. Returns the final response, whatever
 * its status; the caller owns and closes its body.
 */
final class RequestRunner {

    static final int MAX_REDIRECTS = 10;
    private static final System.Logger LOG = System.getLogger(RequestRunner.class.getName());
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    private final HttpTransport http;
    private final RetryPolicy retry;
    private final Authenticator auth;
    private final String registry;

    /** @param registry the registry's name, for messages */
    RequestRunner(HttpTransport http, RetryPolicy retry, Authenticator auth, String registry) {
        this.http = http;
        this.retry = retry;
        this.auth = auth;
        this.registry = registry;
    }

    HttpReply get(Endpoint endpoint, URI uri, Map<String, String> headers) throws IOException {
        boolean challengeAnswered = false;
        int redirects = 0;
        int attempt = 1;
        URI current = uri;
        while (true) {
            Map<String, String> sent = new LinkedHashMap<>(headers);
            String authorization = endpoint.sameOrigin(current) ? auth.authorization(endpoint) : null;
            if (authorization != null) {
                sent.put("Authorization", authorization);
            }
            HttpReply response;
            try {
                response = http.get(current, sent, skipTls(endpoint, current));
            } catch (IOException e) {
                if (!retry.mayRetry(e, attempt)) {
                    throw e;
                }
                Duration backoff = retry.backoff(attempt++);
                LOG.log(System.Logger.Level.DEBUG, "GET {0} failed ({1}); retrying in {2} ms", current,
                        Failures.describe(e), backoff.toMillis());
                RetryPolicy.sleep(backoff);
                current = uri;
                continue;
            }
            int status = response.status();
            if (status == 401 && !challengeAnswered && endpoint.sameOrigin(current)) {
                challengeAnswered = true;
                boolean retryWithAuth;
                try {
                    retryWithAuth = auth.answer(endpoint, response.headers(), authorization, registry);
                } catch (IOException | RuntimeException e) {
                    response.body().close();
                    throw e;
                }
                if (retryWithAuth) {
                    response.body().close();
                    continue;
                }
                return response;
            }
            if (REDIRECTS.contains(status)) {
                URI target = redirectTarget(response, current);
                response.body().close();
                if (++redirects > MAX_REDIRECTS) {
                    throw new RegistryException(Kind.PROTOCOL, "registry " + registry + ": more than "
                            + MAX_REDIRECTS + " redirects for " + uri);
                }
                current = target;
                continue;
            }
            if (RetryPolicy.isRetryableStatus(status) && attempt < retry.maxAttempts()) {
                Duration wait = RetryPolicy.retryAfter(response.headers());
                if (wait != null && wait.compareTo(RetryPolicy.MAX_RETRY_AFTER) > 0) {
                    return response;
                }
                response.body().close();
                Duration backoff = retry.backoff(attempt++);
                Duration delay = wait != null && wait.compareTo(backoff) > 0 ? wait : backoff;
                LOG.log(System.Logger.Level.DEBUG, "GET {0} answered HTTP {1}; retrying in {2} ms", current, status,
                        delay.toMillis());
                RetryPolicy.sleep(delay);
                current = uri;
                continue;
            }
            return response;
        }
    }

    /** The registry's own certificate rules apply on its origin; anywhere else is verified. */
    private static boolean skipTls(Endpoint endpoint, URI target) {
        return endpoint.skipTlsVerify() && target.getHost() != null
                && target.getHost().equalsIgnoreCase(endpoint.apiRoot().getHost());
    }

    private URI redirectTarget(HttpReply response, URI current) throws IOException {
        String location = response.headers().firstValue("Location").orElse(null);
        if (location == null || location.isBlank()) {
            response.body().close();
            throw new RegistryException(Kind.PROTOCOL, "registry " + registry + " answered " + response.status()
                    + " without a Location for " + current);
        }
        try {
            URI target = current.resolve(location.strip());
            String scheme = target.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                throw new IllegalArgumentException("not an http(s) URI");
            }
            return target;
        } catch (IllegalArgumentException e) {
            response.body().close();
            throw new RegistryException(Kind.PROTOCOL, "registry " + registry + " redirected " + current
                    + " to an unusable location \"" + location + "\": " + e.getMessage());
        }
    }
}
