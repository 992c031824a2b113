package dev.cortado.runtime.streaming;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The protocol versions the kubelet's streaming library defines, and choosing among them. */
public final class StreamProtocols {

    /** How long a connection may take to open its streams before it is dropped. */
    public static final Duration SETUP_TIMEOUT = Duration.ofSeconds(30);

    public static final String V4 = "v4.channel.k8s.io";
    public static final String V3 = "v3.channel.k8s.io";
    public static final String V2 = "v2.channel.k8s.io";
    public static final String V1 = "channel.k8s.io";
    public static final String PORT_FORWARD = "portforward.k8s.io";

    /** Exec and attach over SPDY, best first. */
    public static final List<String> SPDY_EXEC = List.of(V4, V3, V2, V1);

    private StreamProtocols() {
    }

    /**
     * The first protocol the client offers that the server speaks; the client's order wins, as
     * in the kubelet. A client that offers none gets the oldest protocol (as the kubelet allows).
     */
    public static Optional<String> negotiate(List<String> offered, List<String> supported) {
        if (offered.isEmpty()) {
            return Optional.of(supported.get(supported.size() - 1));
        }
        for (String protocol : offered) {
            if (supported.contains(protocol)) {
                return Optional.of(protocol);
            }
        }
        return Optional.empty();
    }

    /** Whether the error stream carries a Status document rather than a plain message. */
    public static boolean statusDocuments(String protocol) {
        return protocol.startsWith("v4.") || protocol.startsWith("v5.");
    }
}
