package dev.cortado.hack.bench;

import dev.cortado.cri.v1.ContainerFilter;
import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.ListContainersRequest;
import dev.cortado.cri.v1.ListPodSandboxRequest;
import dev.cortado.cri.v1.PodSandboxFilter;
import dev.cortado.cri.v1.PullImageRequest;
import dev.cortado.cri.v1.VersionRequest;
import dev.cortado.hack.registry.TempDirs;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pod lifecycle benchmark against any CRI runtime: N host-network pods with one sleeping
 * container each. With {@code --warmup W}, W more pods first go through the whole lifecycle one
 * by one, untimed. Phase 1 takes every pod to a running container ({@link BenchPod#start}), P at a
 * time; with all N running it reads the daemon's memory and the runtime's per-container processes
 * ({@link ContainerOverhead}) and times {@value #EXECS_PER_POD} ExecSync calls per container; phase 2 tears every pod down ({@link BenchPod#tearDown}), P at a
 * time, and checks the runtime lists none of them and their processes are gone. Any failure
 * still removes every pod it created before reporting. {@code hack/bench-lifecycle} starts a
 * fresh daemon per run and aggregates the result lines.
 */
public final class LifecycleBenchmark {
    /** Held so the level set on it is not lost when JUL drops an unreferenced logger. */
    private static final Logger NETTY_BOOTSTRAP = Logger.getLogger("io.netty.bootstrap");
    private static final long GONE_WAIT_MILLIS = 10_000;
    /** ExecSync calls per running container, after the memory was read. */
    static final int EXECS_PER_POD = 5;

    private final LifecycleOptions options;

    public LifecycleBenchmark(LifecycleOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        List<String> argList = Arrays.asList(args);
        if (argList.isEmpty() || argList.contains("-h") || argList.contains("--help")) {
            System.err.print(LifecycleOptions.USAGE);
            System.exit(argList.isEmpty() ? 2 : 0);
        }
        // grpc-netty sets SO_KEEPALIVE on every channel; unix sockets have none, and netty warns.
        NETTY_BOOTSTRAP.setLevel(Level.SEVERE);
        LifecycleOptions options;
        try {
            options = LifecycleOptions.parse(argList);
        } catch (IllegalArgumentException e) {
            System.err.println("LifecycleBenchmark: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            LifecycleResult result = new LifecycleBenchmark(options).run();
            System.out.println(result.line());
            System.err.println(result.summary());
        } catch (BenchmarkException | IllegalStateException | IllegalArgumentException e) {
            System.err.println("LifecycleBenchmark: error: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Runs both phases once. */
    public LifecycleResult run() {
        try (CriClient client = CriClient.connect(options.endpoint())) {
            String label = options.label() != null ? options.label() : runtimeName(client);
            String where = label + " at " + options.endpoint();
            CriReadiness.awaitImageService(client, options.image(), where, options.readySeconds());
            String imageId = pull(client, where, options.image());
            for (String other : options.prepull()) {
                pull(client, where, other);
            }
            Path logRoot = options.logDir() != null ? options.logDir() : TempDirs.create("cortado-bench-logs-");
            try {
                PodTemplate template = new PodTemplate(runTag(), imageId, options.image(), logRoot,
                        options.cgroupParent(), options.podNetwork());
                warmUp(client, where, template);
                List<BenchPod> pods = new ArrayList<>();
                for (int i = 0; i < options.pods(); i++) {
                    pods.add(new BenchPod(template.pod(i), client, where, options.timeoutSeconds(),
                            options.runtimeHandler()));
                }
                return run(client, where, label, template, pods);
            } finally {
                if (options.logDir() == null) {
                    deleteLogs(logRoot);
                }
            }
        }
    }

    private LifecycleResult run(CriClient client, String where, String label, PodTemplate template, List<BenchPod> pods) {
        LatencyLog latencies = new LatencyLog();
        boolean tornDown = false;
        try {
            MemoryUsage daemonIdle = daemonMemory();
            Set<Long> baseline = Set.copyOf(ProcessTable.read().pids());

            long start = System.nanoTime();
            PodRunner.Outcome started = PodRunner.forEach(pods, options.parallel(), "pod-start", true,
                    pod -> pod.start(latencies));
            double startSeconds = seconds(System.nanoTime() - start);
            started.throwIfFailed("to start");

            sleep(options.settleMillis());
            MemoryUsage daemonRunning = daemonMemory();
            Set<String> uids = new HashSet<>();
            pods.forEach(pod -> uids.add(pod.pod().uid()));
            ContainerOverhead.Report overhead = ContainerOverhead.measure(ProcessTable.read(), baseline, uids,
                    options.pid(), ProcessHandle.current().pid(), options.overheadExes());
            String memoryNote = "";
            if (!overhead.podsWithoutProcess().isEmpty()) {
                memoryNote = "no process carries " + ContainerOverhead.POD_ENV + "=<uid> for "
                        + overhead.podsWithoutProcess().size() + " of " + pods.size()
                        + " pods: does the runtime pass ContainerConfig.envs to the container?";
            }

            PodRunner.forEach(pods, options.parallel(), "pod-exec", true,
                    pod -> pod.execSync(latencies, EXECS_PER_POD)).throwIfFailed("to run ExecSync");

            long stop = System.nanoTime();
            PodRunner.Outcome stopped = PodRunner.forEach(pods, options.parallel(), "pod-teardown", false,
                    pod -> pod.tearDown(latencies, options.stopTimeout()));
            double stopSeconds = seconds(System.nanoTime() - stop);
            stopped.throwIfFailed("to tear down");
            tornDown = true;
            requireNothingLeft(client, where, template, overhead.containerProcesses());
            return new LifecycleResult(label, options.run(), pods.size(), options.parallel(), latencies, startSeconds,
                    stopSeconds, daemonIdle, daemonRunning, memoryNote.isEmpty() ? overhead : null, memoryNote);
        } finally {
            if (!tornDown) {
                cleanUp(pods);
            }
        }
    }

    /**
     * {@code --warmup}: pods numbered after the measured ones, each started, exec'd into and torn
     * down before the next, their latencies dropped. A failure is the run's failure.
     */
    private void warmUp(CriClient client, String where, PodTemplate template) {
        for (int i = 0; i < options.warmup(); i++) {
            BenchPod pod = new BenchPod(template.pod(options.pods() + i), client, where, options.timeoutSeconds(),
                    options.runtimeHandler());
            LatencyLog dropped = new LatencyLog();
            boolean tornDown = false;
            try {
                pod.start(dropped);
                pod.execSync(dropped, EXECS_PER_POD);
                pod.tearDown(dropped, options.stopTimeout());
                tornDown = true;
            } finally {
                if (!tornDown) {
                    cleanUp(List.of(pod));
                }
            }
        }
    }

    /** Removes whatever pods still hold, untimed; reports what could not be removed on stderr. */
    private void cleanUp(List<BenchPod> pods) {
        List<String> failures = new ArrayList<>();
        PodRunner.forEach(pods, options.parallel(), "pod-cleanup", false, pod -> {
            List<String> left = pod.cleanUp(options.stopTimeout());
            synchronized (failures) {
                failures.addAll(left);
            }
        });
        for (String failure : failures) {
            System.err.println("LifecycleBenchmark: cleanup: " + failure);
        }
    }

    /** The runtime must list none of this run's pods or containers, and their processes must be gone. */
    private void requireNothingLeft(CriClient client, String where, PodTemplate template, Set<Long> processes) {
        try {
            int sandboxes = client.runtime().withDeadlineAfter(options.timeoutSeconds(), TimeUnit.SECONDS)
                    .listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(PodSandboxFilter.newBuilder()
                            .putLabelSelector(PodTemplate.RUN_LABEL, template.runTag())).build()).getItemsCount();
            int containers = client.runtime().withDeadlineAfter(options.timeoutSeconds(), TimeUnit.SECONDS)
                    .listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter.newBuilder()
                            .putLabelSelector(PodTemplate.RUN_LABEL, template.runTag())).build()).getContainersCount();
            if (sandboxes != 0 || containers != 0) {
                throw new BenchmarkException(where + " still lists " + sandboxes + " pod sandboxes and " + containers
                        + " containers of this run after they were all removed");
            }
        } catch (StatusRuntimeException e) {
            throw new BenchmarkException(where + ": listing pods and containers after removal failed: " + CriErrors.describe(e));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GONE_WAIT_MILLIS);
        Set<Long> alive = new HashSet<>(processes);
        while (true) {
            alive.removeIf(pid -> MemoryUsage.of(pid) == null);
            if (alive.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new BenchmarkException(where + ": container processes " + alive + " still run "
                        + GONE_WAIT_MILLIS / 1000 + " s after their containers were stopped and removed");
            }
            sleep(50);
        }
    }

    private MemoryUsage daemonMemory() {
        if (options.pid() <= 0) {
            return null;
        }
        MemoryUsage memory = MemoryUsage.of(options.pid());
        if (memory == null) {
            throw new BenchmarkException("the daemon (pid " + options.pid() + ") is gone: did it exit during the benchmark?");
        }
        return memory;
    }

    private String pull(CriClient client, String where, String image) {
        try {
            String ref = client.images().withDeadlineAfter(options.timeoutSeconds(), TimeUnit.SECONDS)
                    .pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build())
                    .getImageRef();
            if (ref.isEmpty()) {
                throw new BenchmarkException(where + ": PullImage " + image + " returned an empty image_ref");
            }
            return ref;
        } catch (StatusRuntimeException e) {
            throw new BenchmarkException(where + ": PullImage " + image + " failed: " + CriErrors.describe(e));
        }
    }

    private String runtimeName(CriClient client) {
        try {
            return client.runtime().withDeadlineAfter(options.readySeconds(), TimeUnit.SECONDS)
                    .version(VersionRequest.newBuilder().setVersion("v1").build()).getRuntimeName();
        } catch (StatusRuntimeException e) {
            throw new BenchmarkException("CRI Version at " + options.endpoint() + " failed: " + CriErrors.describe(e)
                    + " (is the daemon running and serving CRI v1 there?)");
        }
    }

    private static String runTag() {
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static void deleteLogs(Path logRoot) {
        try {
            TempDirs.deleteTree(logRoot);
        } catch (IOException e) {
            System.err.println("LifecycleBenchmark: cannot remove the pod logs in " + logRoot + ": " + e.getMessage());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkException("interrupted");
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
