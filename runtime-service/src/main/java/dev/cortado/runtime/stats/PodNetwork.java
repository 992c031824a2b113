package dev.cortado.runtime.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A pod's interface counters, read through a process inside the pod's network namespace:
 * /proc/&lt;pid&gt;/net/dev shows the namespace of that process. The process is checked to
 * really be in the pod's pinned namespace (same inode), so a reused pid cannot leak the
 * counters of another namespace.
 */
final class PodNetwork {

    /** Loopback carries no pod traffic that the kubelet or cAdvisor would account. */
    static final String LOOPBACK = "lo";
    static final String DEFAULT_INTERFACE = "eth0";

    private final Path proc;

    PodNetwork(Path proc) {
        this.proc = proc;
    }

    /**
     * The counters of every interface but loopback, seen by the first of {@code pids} that is in
     * the namespace pinned at {@code pinnedNamespace}; null when none is.
     */
    List<InterfaceCounters> read(Path pinnedNamespace, List<Long> pids) {
        Object pinned;
        try {
            pinned = Files.getAttribute(pinnedNamespace, "unix:ino");
        } catch (IOException | UnsupportedOperationException gone) {
            return null;
        }
        for (long pid : pids) {
            if (pid <= 0) {
                continue;
            }
            Path process = proc.resolve(Long.toString(pid));
            try {
                if (!Objects.equals(pinned, Files.getAttribute(process.resolve("ns/net"), "unix:ino"))) {
                    continue;
                }
                List<InterfaceCounters> counters = parse(Files.readAllLines(process.resolve("net/dev")));
                counters.removeIf(c -> c.name().equals(LOOPBACK));
                return counters;
            } catch (IOException exited) {
                // try the next process
            }
        }
        return null;
    }

    /** Parses /proc/net/dev: two header lines, then "name: 8 receive and 8 transmit columns". */
    static List<InterfaceCounters> parse(List<String> lines) {
        List<InterfaceCounters> counters = new ArrayList<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0 || line.contains("|")) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            if (f.length < 16) {
                continue;
            }
            try {
                counters.add(new InterfaceCounters(name, Long.parseLong(f[0]), Long.parseLong(f[1]),
                        Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[8]), Long.parseLong(f[9]),
                        Long.parseLong(f[10]), Long.parseLong(f[11])));
            } catch (NumberFormatException odd) {
                // not a counters line
            }
        }
        return counters;
    }
}
