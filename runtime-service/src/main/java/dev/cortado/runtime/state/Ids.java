package dev.cortado.runtime.state;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/** Sandbox and container ids (64 hex characters, as the kubelet and crictl expect) and times. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
