package dev.cortado.image.registry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens of one client, reused until shortly before they expire. Keyed by endpoint, scope
 * and a fingerprint of the credentials the token was obtained with, so a token never serves a
 * pull with other credentials.
 */
final class TokenCache {

    /** Tokens are dropped this long before their stated expiry, so none expires in flight. */
    private static final Duration SAFETY_MARGIN = Duration.ofSeconds(5);

    record Key(String endpoint, String scope, String credentials) {
    }

    private record Entry(String token, long expiresAtNanos) {
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

    String get(Key key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (System.nanoTime() - entry.expiresAtNanos() >= 0) {
            entries.remove(key, entry);
            return null;
        }
        return entry.token();
    }

    void put(Key key, String token, Duration lifetime) {
        long usable = Math.max(0, lifetime.minus(SAFETY_MARGIN).toNanos());
        entries.put(key, new Entry(token, System.nanoTime() + usable));
    }

    /** Forgets a token the registry refused, unless another thread already replaced it. */
    void invalidate(Key key, String token) {
        entries.computeIfPresent(key, (k, entry) -> entry.token().equals(token) ? null : entry);
    }
}
