package dev.cortado.runtime.streaming;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The outstanding single-use tokens of streaming URLs. A token is random (so URLs cannot be
 * guessed), taken at most once, useless after its time to live, and their number is bounded so a
 * client calling Exec in a loop cannot grow the daemon's memory.
 */
public final class StreamTokens {

    public static final Duration TTL = Duration.ofMinutes(1);
    public static final int DEFAULT_LIMIT = 1000;

    private record Entry(StreamTarget target, Instant expires) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final int limit;
    /** Insertion order is expiry order, since every entry lives the same TTL. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    public StreamTokens(Clock clock, int limit) {
        this.clock = clock;
        this.limit = limit;
    }

    public StreamTokens() {
        this(Clock.systemUTC(), DEFAULT_LIMIT);
    }

    /** A new token for the target; empty when {@code limit} tokens are already outstanding. */
    public synchronized Optional<String> issue(StreamTarget target) {
        dropExpired();
        if (entries.size() >= limit) {
            return Optional.empty();
        }
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        entries.put(token, new Entry(target, clock.instant().plus(TTL)));
        return Optional.of(token);
    }

    /** The target of a live token of this kind, which is spent by this call. */
    public synchronized Optional<StreamTarget> take(String kind, String token) {
        dropExpired();
        Entry entry = entries.get(token);
        if (entry == null || !entry.target().kind().equals(kind)) {
            return Optional.empty();
        }
        entries.remove(token);
        return Optional.of(entry.target());
    }

    public synchronized int outstanding() {
        dropExpired();
        return entries.size();
    }

    private void dropExpired() {
        Instant now = clock.instant();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            if (it.next().expires().isAfter(now)) {
                return;
            }
            it.remove();
        }
    }
}
