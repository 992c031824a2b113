package dev.cortado.hack.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The command line of {@link LifecycleBenchmark}.
 *
 * @param endpoint       {@code unix:///path/to.sock} of the runtime
 * @param image          the container image, e.g. {@code 127.0.0.1:PORT/bench/busybox:v1} (needs /bin/sleep)
 * @param pods           how many pods to run at once
 * @param parallel       how many pods are started (and torn down) concurrently
 * @param label          names the runtime in the result line (default: the runtime's Version name)
 * @param pid            the daemon's pid, whose own memory is reported, or -1
 * @param run            the run number printed in the result line
 * @param prepull        further images pulled before timing, e.g. the runtime's pause image
 * @param logDir         where pod log directories go, or null for a temp directory removed afterwards
 * @param cgroupParent   the parent cgroup of every pod's cgroup ({@code <parent>/pod<uid>}), or "" for none
 * @param runtimeHandler the CRI runtime handler, "" for the runtime's default
 * @param stopTimeout    StopContainer's grace period in seconds (0: kill at once)
 * @param overheadExes   executable names counted as per-container overhead when new (see {@link ContainerOverhead})
 * @param settleMillis   the pause between the last container running and reading memory
 * @param timeoutSeconds the deadline of each CRI call, and of waiting for RUNNING
 * @param readySeconds   how long to wait for a just-started daemon to answer
 * @param podNetwork     pods get their own network namespace on the runtime's CNI network
 *                       instead of the node's network
 * @param warmup         pods taken through the whole lifecycle one by one before the measured
 *                       ones, untimed (0: none; a fresh daemon's first pods are then measured)
 */
public record LifecycleOptions(String endpoint, String image, int pods, int parallel, String label, long pid, int run,
                               List<String> prepull, Path logDir, String cgroupParent, String runtimeHandler,
                               long stopTimeout, Set<String> overheadExes, long settleMillis, long timeoutSeconds,
                               long readySeconds, boolean podNetwork, int warmup) {

    static final String USAGE = """
            Usage: LifecycleBenchmark --endpoint unix:///path.sock --image HOST:PORT/busybox:tag --pods N [options]

            Runs N host-network (or, with --pod-network, CNI-networked) pods through a CRI runtime, each with one container running
            "/bin/sleep 3600". Phase 1 starts them all (RunPodSandbox, CreateContainer,
            StartContainer, ContainerStatus until RUNNING); with all N running it reads the
            daemon's memory and the per-container overhead (processes other than the containers'
            own, e.g. shims and pause processes: RSS, PSS and private, divided by N); phase 2
            stops and removes them all (StopContainer, RemoveContainer, StopPodSandbox,
            RemovePodSandbox) and checks that none is left. The images are pulled before timing.
            Prints one line "LIFECYCLE label=... run=... pods=... <step>_p50_ms=... <step>_p95_ms=...
            daemon_rss_mib=... per_container_pss_mib=..." on stdout and a summary on stderr.

            Options:
              --parallel P          pods started and torn down concurrently (default 1)
              --label NAME          runtime name in the result (default: the runtime's Version name)
              --pid PID             the daemon's pid, to report its own RSS and PSS
              --run N               run number to print (default 1)
              --prepull REF         also pull this image before timing (repeatable), e.g. a pause image
              --log-dir DIR         pod log directories go here (default: a temp directory, removed)
              --cgroup-parent PATH  each pod's cgroup parent is PATH/pod<uid> (default: none given)
              --runtime-handler H   CRI runtime handler for every pod (default: the runtime's default)
              --stop-timeout S      StopContainer timeout in seconds (default 0: kill at once)
              --overhead-exe NAME   also count new processes running executable NAME as overhead
                                    (repeatable; for runtimes whose pod processes are not ancestors
                                    of the container's process)
              --settle-ms MS        wait this long after the last container runs before reading
                                    memory, so that short-lived helpers are gone (default 1000)
              --timeout SECONDS     deadline of each CRI call and of reaching RUNNING (default 120)
              --ready-timeout SECONDS
                                    wait this long for the runtime to answer (default 60)
              --pod-network         pods on the runtime's CNI network (own network and UTS
                                    namespaces, a hostname) instead of the node's network
              --warmup N            first take N pods through the whole lifecycle one by one,
                                    untimed, so that a steady daemon is measured (default 0)
            """;

    public LifecycleOptions {
        if (endpoint == null || image == null) {
            throw new IllegalArgumentException("--endpoint and --image are required");
        }
        CriClient.socketPath(endpoint);
        if (pods < 1 || parallel < 1 || run < 1 || timeoutSeconds < 1 || readySeconds < 1) {
            throw new IllegalArgumentException("--pods, --parallel, --run, --timeout and --ready-timeout must be at least 1");
        }
        if (stopTimeout < 0 || settleMillis < 0 || warmup < 0) {
            throw new IllegalArgumentException("--stop-timeout, --settle-ms and --warmup cannot be negative");
        }
        if (!cgroupParent.isEmpty() && !cgroupParent.startsWith("/")) {
            throw new IllegalArgumentException("--cgroup-parent needs an absolute cgroup path such as /bench, not \""
                    + cgroupParent + "\"");
        }
        prepull = List.copyOf(prepull);
        overheadExes = Set.copyOf(overheadExes);
    }

    /** Parses {@code args}; an empty list means "print usage". */
    public static LifecycleOptions parse(List<String> args) {
        Flags flags = Flags.parse(args, Set.of("--endpoint", "--image", "--pods", "--parallel", "--label", "--pid",
                "--run", "--prepull", "--log-dir", "--cgroup-parent", "--runtime-handler", "--stop-timeout",
                "--overhead-exe", "--settle-ms", "--timeout", "--ready-timeout", "--warmup"), Set.of("--pod-network"));
        if (!flags.has("--pods")) {
            throw new IllegalArgumentException("--pods is required");
        }
        String logDir = flags.string("--log-dir", null);
        return new LifecycleOptions(flags.string("--endpoint", null), flags.string("--image", null),
                (int) flags.number("--pods", 1, 1), (int) flags.number("--parallel", 1, 1),
                flags.string("--label", null), flags.number("--pid", -1, 1), (int) flags.number("--run", 1, 1),
                flags.all("--prepull"), logDir == null ? null : Path.of(logDir).toAbsolutePath(),
                flags.string("--cgroup-parent", ""), flags.string("--runtime-handler", ""),
                flags.number("--stop-timeout", 0, 0), Set.copyOf(flags.all("--overhead-exe")),
                flags.number("--settle-ms", 1000, 0), flags.number("--timeout", 120, 1),
                flags.number("--ready-timeout", 60, 1), flags.has("--pod-network"), (int) flags.number("--warmup", 0, 0));
    }
}
