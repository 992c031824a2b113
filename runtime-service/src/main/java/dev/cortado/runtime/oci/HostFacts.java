package dev.cortado.runtime.oci;

import java.io.IOException;
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
 */
public record HostFacts(String nodeHostname, int daemonOomScoreAdj, int lastCapability, Path mountInfo) {

    public HostFacts {
        Objects.requireNonNull(nodeHostname, "nodeHostname");
        Objects.requireNonNull(mountInfo, "mountInfo");
    }

    public static HostFacts current() throws IOException {
        return new HostFacts(
                read("/proc/sys/kernel/hostname"),
                Integer.parseInt(read("/proc/self/oom_score_adj")),
                Integer.parseInt(read("/proc/sys/kernel/cap_last_cap")),
                Path.of("/proc/self/mountinfo"));
    }

    private static String read(String file) throws IOException {
        return Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
    }
}
