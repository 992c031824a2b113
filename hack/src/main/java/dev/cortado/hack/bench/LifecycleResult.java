package dev.cortado.hack.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One lifecycle run against one daemon.
 *
 * @param label         the runtime
 * @param run           the run number
 * @param pods          how many pods ran at once
 * @param parallel      how many were started and torn down concurrently
 * @param latencies     the samples of every step
 * @param startSeconds  wall time of phase 1 (all pods to RUNNING)
 * @param stopSeconds   wall time of phase 2 (all pods stopped and removed)
 * @param daemonIdle    the daemon's own memory before the first pod, or null without its pid
 * @param daemonRunning the daemon's own memory with all containers running, or null
 * @param overhead      the per-container processes found with all containers running, or null
 *                      when they could not be identified (see {@code memoryNote})
 * @param memoryNote    why the overhead is missing, or ""
 */
public record LifecycleResult(String label, int run, int pods, int parallel, LatencyLog latencies,
                              double startSeconds, double stopSeconds, MemoryUsage daemonIdle,
                              MemoryUsage daemonRunning, ContainerOverhead.Report overhead, String memoryNote) {

    /** p50 or p95 of one step in milliseconds, NaN when the step has no samples. */
    public double percentile(LifecycleStep step, double percent) {
        List<Double> samples = latencies.millis(step);
        return samples.isEmpty() ? Double.NaN : Percentiles.of(samples, percent);
    }

    /** The machine-readable line; keys never change order, what was not measured reads "-". */
    public String line() {
        StringBuilder line = new StringBuilder("LIFECYCLE label=").append(label.replaceAll("\\s", "_"))
                .append(" run=").append(run).append(" pods=").append(pods).append(" parallel=").append(parallel);
        for (LifecycleStep step : LifecycleStep.values()) {
            line.append(' ').append(step.key()).append("_p50_ms=").append(millis(percentile(step, 50)));
            line.append(' ').append(step.key()).append("_p95_ms=").append(millis(percentile(step, 95)));
        }
        line.append(String.format(Locale.ROOT, " start_all_s=%.3f stop_all_s=%.3f", startSeconds, stopSeconds));
        line.append(" daemon_idle_rss_mib=").append(mib(daemonIdle == null ? null : daemonIdle.rssMib(), 1));
        line.append(" daemon_rss_mib=").append(mib(daemonRunning == null ? null : daemonRunning.rssMib(), 1));
        line.append(" daemon_pss_mib=").append(mib(daemonRunning == null ? null : daemonRunning.pssMib(), 1));
        line.append(" per_container_rss_mib=").append(mib(overhead == null ? null : overhead.memory().rssMib() / pods, 3));
        line.append(" per_container_pss_mib=").append(mib(overhead == null ? null : overhead.memory().pssMib() / pods, 3));
        line.append(" per_container_private_mib=")
                .append(mib(overhead == null ? null : overhead.memory().privateMib() / pods, 3));
        line.append(" overhead_processes=").append(overhead == null ? "-" : Integer.toString(overhead.overhead().size()));
        line.append(" overhead=").append(overhead == null ? "-" : names(overhead.overheadNames()));
        line.append(" unattributed=").append(overhead == null ? "-" : names(overhead.unattributedNames()));
        return line.toString();
    }

    /** A few lines for people. */
    public String summary() {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "%s run %d: %d host-network pods, %d at a time: all running after %.2f s, all removed after %.2f s%n",
                label, run, pods, parallel, startSeconds, stopSeconds));
        for (LifecycleStep step : LifecycleStep.values()) {
            text.append(String.format(Locale.ROOT, "  %-22s p50 %9s ms   p95 %9s ms   (%d samples)%n", step.title(),
                    millis(percentile(step, 50)), millis(percentile(step, 95)), latencies.millis(step).size()));
        }
        if (daemonRunning != null) {
            text.append(String.format(Locale.ROOT, "  daemon: RSS %.1f MiB idle, %.1f MiB (PSS %.1f MiB) with %d running%n",
                    daemonIdle.rssMib(), daemonRunning.rssMib(), daemonRunning.pssMib(), pods));
        }
        if (overhead != null) {
            MemoryUsage total = overhead.memory();
            text.append(String.format(Locale.ROOT, "  per container, besides its own process: RSS %.3f MiB, "
                            + "PSS %.3f MiB, private %.3f MiB (%d processes: %s)%n", total.rssMib() / pods,
                    total.pssMib() / pods, total.privateMib() / pods, overhead.overhead().size(),
                    names(overhead.overheadNames())));
            if (!overhead.unattributedNames().isEmpty()) {
                text.append("  new processes attributed to neither containers nor runtime overhead: ")
                        .append(names(overhead.unattributedNames())).append('\n');
            }
        } else {
            text.append("  per-container memory not measured: ").append(memoryNote).append('\n');
        }
        return text.toString().stripTrailing();
    }

    private static String millis(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String mib(Double value, int decimals) {
        return value == null ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String names(Map<String, Integer> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        return counts.entrySet().stream().map(e -> e.getKey().replaceAll("[\\s,:=]", "_") + ":" + e.getValue())
                .collect(Collectors.joining(","));
    }
}
