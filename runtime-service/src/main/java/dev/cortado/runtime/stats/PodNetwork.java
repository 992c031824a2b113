package dev.cortado.runtime.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import dev.cortado.linux.Namespaces;

/**
 * A pod's interface counters, read through a process inside the pod's network namespace:
 * /proc/&lt;pid&gt;/net/dev shows the namespace of that process. The process is checked to
 * really be in the pod's pinned namespace (same inode), so a reused pid cannot leak the
 * counters of another namespace. A pod with no process to look through (no pod init, no
 * running container) is read by a short-lived thread that joins the pinned namespace; the
 * thread ends there, so no daemon thread is ever left in a pod's namespace.
 */
final class PodNetwork {

    private static final long JOIN_TIMEOUT_SECONDS = 5;

    /** Loopback carries no pod traffic that the kubelet or cAdvisor would account. */
    static final String LOOPBACK = "lo";
    static final String DEFAULT_INTERFACE = "eth0";

    private final Path proc;
    private final Namespaces namespaces;

    PodNetwork(Path proc, Namespaces namespaces) {
        this.proc = proc;
        this.namespaces = namespaces;
    }

    /**
     * The counters of every interface but loopback, seen by the first of {@code pids} that is in
     * the namespace pinned at {@code pinnedNamespace}, else by joining it; null when the
     * namespace is gone.
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
        return readInside(pinnedNamespace);
    }

    /** Joins the namespace on a thread of its own, which reads its own view and then ends. */
    List<InterfaceCounters> readInside(Path pinnedNamespace) {
        CompletableFuture<List<String>> lines = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                namespaces.setns(pinnedNamespace, Namespaces.CLONE_NEWNET);
                lines.complete(Files.readAllLines(Path.of("/proc/thread-self/net/dev")));
            } catch (Throwable failure) {
                lines.completeExceptionally(failure);
            }
        }, "pod-netns-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            List<InterfaceCounters> counters = parse(lines.get(JOIN_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            counters.removeIf(c -> c.name().equals(LOOPBACK));
            return counters;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException unreadable) {
            return null;
        }
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
