package dev.cortado.runtime.oci;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What the spec depends on about the node rather than the request; read once from the live
 * system, or given by tests.
 *
 * @param nodeHostname      the node's hostname, the HOSTNAME of containers whose pod sets none
 *                          (host network)
 * @param daemonOomScoreAdj the daemon's own oom_score_adj: a container may not be given less,
 *                          since lowering it needs CAP_SYS_RESOURCE (containerd's
 *                          restrict_oom_score_adj)
 * @param lastCapability    the highest capability number the kernel knows ("ALL")
 * @param mountInfo         the mount table to check propagation of host paths against
 * @param daemonBounding    the daemon's own capability bounding set: "ALL" and privileged
 *                          containers get these, since no child can be given more (containerd
 *                          takes its own set the same way); a node may withhold some
 *                          (CAP_SYS_RESOURCE on these machines)
 */
public record HostFacts(String nodeHostname, int daemonOomScoreAdj, int lastCapability, Path mountInfo,
                        long daemonBounding) {

    public HostFacts {
        Objects.requireNonNull(nodeHostname, "nodeHostname");
        Objects.requireNonNull(mountInfo, "mountInfo");
    }

    /** A node whose daemon holds every capability up to {@code lastCapability}. */
    public HostFacts(String nodeHostname, int daemonOomScoreAdj, int lastCapability, Path mountInfo) {
        this(nodeHostname, daemonOomScoreAdj, lastCapability, mountInfo, Capabilities.all(lastCapability));
    }

    /** Whether the daemon (and so the shim) may set an oom_score_adj below its own. */
    public boolean canLowerOomScoreAdj() {
        return (daemonBounding & LinuxCapability.SYS_RESOURCE.bit()) != 0;
    }

    /** Every capability the kernel knows and the daemon may hand on. */
    public long allCapabilities() {
        return Capabilities.all(lastCapability) & daemonBounding;
    }

    public static HostFacts current() throws IOException {
        return new HostFacts(
                read("/proc/sys/kernel/hostname"),
                Integer.parseInt(read("/proc/self/oom_score_adj")),
                Integer.parseInt(read("/proc/sys/kernel/cap_last_cap")),
                Path.of("/proc/self/mountinfo"),
                boundingSet(read("/proc/self/status")));
    }

    private static long boundingSet(String status) {
        return status.lines().filter(l -> l.startsWith("CapBnd:")).findFirst()
                .map(l -> Long.parseUnsignedLong(l.substring("CapBnd:".length()).trim(), 16))
                .orElseThrow(() -> new IllegalStateException("/proc/self/status has no CapBnd line"));
    }

    /**
     * Reads from offset 0 in one go: numeric sysctls answer only a read at offset 0, and
     * Files.readString reads a 0-byte /proc file one byte first, so it saw "4" of cap_last_cap's "40".
     */
    private static String read(String file) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }
}
