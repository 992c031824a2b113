package dev.cortado.hack.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifecycleBenchmarkTest {
    private static final String IMAGE = "127.0.0.1:1/bench/busybox:v1";
    private static final String IMAGE_ID = "sha256:" + "b".repeat(64);

    @TempDir
    Path dir;

    private LifecycleOptions options(InMemoryCriServer server, int pods, int parallel) {
        return options(server, pods, parallel, 0);
    }

    private LifecycleOptions options(InMemoryCriServer server, int pods, int parallel, int warmup) {
        return new LifecycleOptions(server.endpoint(), IMAGE, pods, parallel, null, ProcessHandle.current().pid(), 2,
                List.of("127.0.0.1:1/bench/pause:v1"), dir.resolve("logs"), "", "", 0, Set.of(), 50, 30, 10, false,
                warmup);
    }

    @Test
    void warmUpPodsRunTheWholeLifecycleFirstAndAreNotMeasured() throws Exception {
        try (InMemoryRuntime runtime = new InMemoryRuntime(Integer.MAX_VALUE, true);
             InMemoryCriServer server = new InMemoryCriServer(dir, IMAGE_ID, 0, runtime)) {
            LifecycleResult result = new LifecycleBenchmark(options(server, 2, 1, 3)).run();

            assertEquals(5, runtime.shims.size(), "3 warm-up containers, then the 2 measured ones");
            assertEquals(2, result.latencies().millis(LifecycleStep.REQUESTED_TO_RUNNING).size());
            assertEquals(2, result.latencies().millis(LifecycleStep.REMOVE_POD_SANDBOX).size());
            assertEquals(2 * LifecycleBenchmark.EXECS_PER_POD, result.latencies().millis(LifecycleStep.EXEC_SYNC).size());
            assertEquals(2, result.overhead().containerProcesses().size(), "warm-up pods are gone when memory is read");
            assertTrue(runtime.sandboxes.isEmpty() && runtime.containers.isEmpty(), "everything removed");
        }
    }

    @Test
    void runsEveryPodToRunningMeasuresTheShimsAndRemovesEverything() throws Exception {
        try (InMemoryRuntime runtime = new InMemoryRuntime(Integer.MAX_VALUE, true);
             InMemoryCriServer server = new InMemoryCriServer(dir, IMAGE_ID, 0, runtime)) {
            LifecycleResult result = new LifecycleBenchmark(options(server, 4, 2)).run();

            assertEquals("inmemory", result.label());
            assertEquals(Set.of(IMAGE, "127.0.0.1:1/bench/pause:v1"), server.pulled.keySet(), "both images pulled first");
            for (LifecycleStep step : LifecycleStep.values()) {
                int samples = result.latencies().millis(step).size();
                if (step == LifecycleStep.CONTAINER_STATUS) {
                    assertTrue(samples >= 4, step + ": " + samples);
                } else if (step == LifecycleStep.EXEC_SYNC) {
                    assertEquals(4 * LifecycleBenchmark.EXECS_PER_POD, samples, "every running container is exec'd into");
                } else {
                    assertEquals(4, samples, step.toString());
                }
            }
            double start = result.percentile(LifecycleStep.START_CONTAINER, 50);
            assertTrue(result.percentile(LifecycleStep.REQUESTED_TO_RUNNING, 50) >= start, result.summary());

            // this JVM plays the daemon: each container's parent shell is the one process per container
            ContainerOverhead.Report overhead = result.overhead();
            assertNotNull(overhead, result.memoryNote());
            String shell = Path.of("/bin/sh").toRealPath().getFileName().toString();
            assertEquals(Map.of(shell, 4), overhead.overheadNames());
            assertEquals(4, overhead.containerProcesses().size());
            assertTrue(overhead.memory().pssKib() > 0 && overhead.memory().pssKib() <= overhead.memory().rssKib());
            assertNotNull(result.daemonRunning());

            assertTrue(runtime.sandboxes.isEmpty() && runtime.containers.isEmpty(), "everything removed");
            assertTrue(runtime.shims.stream().noneMatch(Process::isAlive), "every container stopped");
            try (Stream<Path> logs = Files.list(dir.resolve("logs"))) {
                assertEquals(4, logs.filter(p -> Files.isDirectory(p.resolve("sleeper"))).count(),
                        "a pod log directory with its container directory per pod");
            }
            Pattern line = Pattern.compile("LIFECYCLE label=inmemory run=2 pods=4 parallel=2 run_pod_sandbox_p50_ms=\\d+\\.\\d\\d "
                    + ".* requested_to_running_p95_ms=\\d+\\.\\d\\d exec_sync_p50_ms=\\d+\\.\\d\\d .* daemon_pss_mib=\\d+\\.\\d "
                    + "per_container_rss_mib=\\d+\\.\\d{3} per_container_pss_mib=\\d+\\.\\d{3} "
                    + "per_container_private_mib=\\d+\\.\\d{3} overhead_processes=4 overhead=" + shell + ":4 unattributed=\\S+");
            assertTrue(line.matcher(result.line()).matches(), result.line());
        }
    }

    @Test
    void aRuntimeThatCannotStartContainersIsNamedAndLeftClean() throws Exception {
        try (InMemoryRuntime runtime = new InMemoryRuntime(1, true);
             InMemoryCriServer server = new InMemoryCriServer(dir, IMAGE_ID, 0, runtime)) {
            BenchmarkException e = assertThrows(BenchmarkException.class,
                    () -> new LifecycleBenchmark(options(server, 3, 1)).run());
            assertTrue(e.getMessage().contains("(1 of 3 pods failed to start, 1 not attempted)"), e.getMessage());
            assertTrue(e.getMessage().contains("StartContainer for pod bench-"), e.getMessage());
            assertTrue(e.getMessage().contains("UNIMPLEMENTED: StartContainer is not written yet"), e.getMessage());
            assertTrue(runtime.sandboxes.isEmpty() && runtime.containers.isEmpty(),
                    "the started pod and the half-made one were removed: " + runtime.sandboxes + runtime.containers);
            assertTrue(runtime.shims.stream().noneMatch(Process::isAlive), "the running container was stopped");
        }
    }

    @Test
    void withoutTheMarkerInTheEnvironmentMemoryIsNotMeasuredButTimesAre() throws Exception {
        try (InMemoryRuntime runtime = new InMemoryRuntime(Integer.MAX_VALUE, false);
             InMemoryCriServer server = new InMemoryCriServer(dir, IMAGE_ID, 0, runtime)) {
            LifecycleResult result = new LifecycleBenchmark(options(server, 2, 2)).run();
            assertNull(result.overhead());
            assertTrue(result.memoryNote().contains("2 of 2 pods"), result.memoryNote());
            assertTrue(result.line().contains(" per_container_pss_mib=- "), result.line());
            assertEquals(2, result.latencies().millis(LifecycleStep.REMOVE_POD_SANDBOX).size());
            assertTrue(runtime.sandboxes.isEmpty());
        }
    }
}
