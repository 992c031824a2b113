package dev.cortado.image.registry;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try again and how long to wait first: exponential backoff with jitter, for failures
 * that another try may cure (connection failures, timeouts, resets, 429, 5xx), never for
 * answers that will not change (4xx, unknown hosts, certificate problems).
 */
final class RetryPolicy {

    /** A longer Retry-After is not waited for: the pull fails and the kubelet retries it later. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(10);

    /**
     * Failures before any response (refused, connect timeout) get at most this many tries per
     * endpoint: a registry that is down rarely comes back within a backoff, and the next mirror or
     * the kubelet's own retry serve better than a long wait.
     */
    static final int MAX_CONNECT_ATTEMPTS = 2;

    private final int maxAttempts;
    private final Duration base;
    private final Duration max;

    RetryPolicy(RegistryConfig config) {
        this.maxAttempts = config.maxAttempts();
        this.base = config.backoffBase();
        this.max = config.backoffMax();
    }

    int maxAttempts() {
        return maxAttempts;
    }

    /** Whether {@code attempt} (1-based) may be followed by another after this exception. */
    boolean mayRetry(IOException failure, int attempt) {
        if (failure instanceof InterruptedIOException && !(failure instanceof java.net.SocketTimeoutException)
                && !(failure instanceof java.net.http.HttpTimeoutException)) {
            return false;
        }
        if (failure instanceof RegistryException || isPermanent(failure)) {
            return false;
        }
        int limit = isConnectFailure(failure) ? Math.min(MAX_CONNECT_ATTEMPTS, maxAttempts) : maxAttempts;
        return attempt < limit;
    }

    static boolean isRetryableStatus(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /** Unknown hosts and TLS failures: the same request will fail the same way. */
    static boolean isPermanent(IOException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException
                    || t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    static boolean isConnectFailure(IOException failure) {
        return failure instanceof ConnectException || failure instanceof HttpConnectTimeoutException;
    }

    /** The wait before try {@code attempt + 1}: base * 2^(attempt-1), capped, jittered to 50-100%. */
    Duration backoff(int attempt) {
        long millis = base.toMillis();
        for (int i = 1; i < attempt && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        millis = Math.min(millis, max.toMillis());
        long jittered = millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
        return Duration.ofMillis(jittered);
    }

    /** The server's Retry-After in seconds when given as a number; null otherwise. */
    static Duration retryAfter(HttpHeaders headers) {
        String value = headers.firstValue("Retry-After").orElse(null);
        if (value == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value.strip());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static void sleep(Duration delay) throws InterruptedIOException {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }
}
