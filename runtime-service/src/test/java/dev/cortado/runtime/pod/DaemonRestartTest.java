package dev.cortado.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ContainerFilter;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.PodSandbox;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxState;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The daemon killed with SIGKILL while containers run, and started again on the same
 * directories: it finds every pod and container in its true state, running ones untouched and
 * still logging, ones that ended meanwhile with their real exit, and serves them as before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class DaemonRestartTest {

    private static final String TICKER = "i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done";
    private static final String EXIT_7_ON_TERM = "trap 'exit 7' TERM; while true; do sleep 0.2; done";

    private LocalRegistry registry;
    private TestImage busybox;

    @BeforeAll
    void registry() {
        registry = LocalRegistry.start();
        busybox = TestImages.busybox(registry);
    }

    @AfterAll
    void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void aRestartedDaemonFindsEveryPodAndContainerInItsTrueState() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig plain = h.pod("plain").build();
            String plainId = h.runPod(plain);
            String ticker = h.run(plainId, plain, h.container("ticker", plain, "sh", "-c", TICKER).build());
            String exiter = h.run(plainId, plain, h.container("exiter", plain, "sh", "-c", EXIT_7_ON_TERM).build());
            String waiting = h.create(plainId, plain, h.container("waiting", plain, "sleep", "1000").build());
            String orphan = h.run(plainId, plain, h.container("orphan", plain, "sleep", "1000").build());
            PodSandboxConfig shared = h.pod("shared", PodHarness.namespaces(NamespaceMode.POD, NamespaceMode.POD,
                    NamespaceMode.POD)).build();
            String sharedId = h.runPod(shared);
            String sleeper = h.run(sharedId, shared, h.container("sleeper", shared, "sleep", "1000").build());

            long tickerPid = h.pid(ticker);
            long sleeperPid = h.pid(sleeper);
            long exiterPid = h.pid(exiter);
            long orphanShim = h.info(orphan).get("shimPid").asLong();
            long orphanPid = h.pid(orphan);
            long podInit = h.podInfo(sharedId).get("podInitPid").asLong();
            Path tickerLog = Path.of(h.status(ticker).getLogPath());
            awaitLines(tickerLog, 2);
            Map<String, ContainerStatus> before = statuses(h);

            h.killDaemon();
            Instant down = Instant.now();
            ProcessHandle.of(exiterPid).orElseThrow().destroy();
            ProcessHandle.of(orphanShim).orElseThrow().destroyForcibly();
            awaitGone(exiterPid);
            Thread.sleep(3000);
            Instant up = Instant.now();
            h.restartDaemon();

            List<PodSandbox> pods = h.pods();
            assertEquals(List.of(plainId, sharedId), pods.stream().map(PodSandbox::getId).toList());
            assertTrue(pods.stream().allMatch(p -> p.getState() == PodSandboxState.SANDBOX_READY), pods.toString());
            assertEquals(podInit, h.podInfo(sharedId).get("podInitPid").asLong());
            assertTrue(HostView.alive(podInit), "pod init " + podInit + " died with the daemon");

            assertEquals(ContainerState.CONTAINER_RUNNING, h.status(ticker).getState());
            assertEquals(tickerPid, h.pid(ticker));
            assertTrue(HostView.alive(tickerPid));
            assertEquals(before.get(ticker).getStartedAt(), h.status(ticker).getStartedAt());
            assertEquals(ContainerState.CONTAINER_RUNNING, h.status(sleeper).getState());
            assertEquals(sleeperPid, h.pid(sleeper));
            assertTrue(HostView.alive(sleeperPid));
            assertEquals(ContainerState.CONTAINER_CREATED, h.status(waiting).getState());

            ContainerStatus exited = h.awaitState(exiter, ContainerState.CONTAINER_EXITED, Duration.ofSeconds(10));
            assertEquals(7, exited.getExitCode());
            assertEquals("Error", exited.getReason());
            assertTrue(exited.getFinishedAt() >= nanos(down) && exited.getFinishedAt() <= nanos(up),
                    "finished_at " + exited.getFinishedAt() + " outside the daemon's down time");

            ContainerStatus lost = h.awaitState(orphan, ContainerState.CONTAINER_EXITED, Duration.ofSeconds(10));
            assertEquals("ShimDied", lost.getReason());
            assertTrue(lost.getMessage().contains("pid " + orphanShim), lost.getMessage());
            assertFalse(HostView.alive(orphanPid), "the orphaned container's process " + orphanPid + " still runs");

            List<Instant> ticks = tickTimes(tickerLog);
            long duringDown = ticks.stream().filter(t -> t.isAfter(down) && t.isBefore(up)).count();
            assertTrue(duringDown >= 2, "lines logged while the daemon was down: " + duringDown + " of " + ticks);
            awaitLines(tickerLog, ticks.size() + 2);
            assertSequential(tickerLog);

            assertEquals("still here\n", h.sh(ticker, "echo still here"));
            assertTrue(h.sh(sleeper, "ps -o args").contains("sleep 1000"));
            h.start(waiting);
            assertEquals(ContainerState.CONTAINER_RUNNING, h.status(waiting).getState());

            h.stop(ticker, 0);
            ContainerStatus stopped = h.status(ticker);
            assertEquals(ContainerState.CONTAINER_EXITED, stopped.getState());
            assertEquals(137, stopped.getExitCode());
            assertFalse(HostView.alive(tickerPid));
            h.remove(ticker);
            h.remove(exiter);
            h.remove(orphan);
            assertEquals(List.of(waiting), h.containers(ContainerFilter.newBuilder().setPodSandboxId(plainId)
                    .build()).stream().map(c -> c.getId()).toList());
            h.stopPod(sharedId);
            assertFalse(HostView.alive(sleeperPid));
            assertFalse(HostView.alive(podInit));
            h.removePod(sharedId);
            h.removePod(plainId);
            assertEquals(List.of(), h.pods());
            h.assertNothingLeft();
        }
    }

    private static Map<String, ContainerStatus> statuses(PodHarness h) {
        return h.containers(ContainerFilter.getDefaultInstance()).stream()
                .collect(Collectors.toMap(c -> c.getId(), c -> h.status(c.getId())));
    }

    /** The CRI log's records of the ticker: {@code <time> stdout F tick <n>}. */
    private static List<String[]> records(Path log) throws Exception {
        List<String[]> records = new ArrayList<>();
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                String[] fields = line.split(" ", 4);
                assertEquals(4, fields.length, "CRI log line " + line);
                assertEquals("stdout", fields[1], line);
                assertEquals("F", fields[2], line);
                records.add(fields);
            }
        }
        return records;
    }

    private static List<Instant> tickTimes(Path log) throws Exception {
        return records(log).stream().map(r -> Instant.parse(r[0])).toList();
    }

    /** tick 0, tick 1, ...: no line lost or repeated across the restart. */
    private static void assertSequential(Path log) throws Exception {
        List<String[]> records = records(log);
        for (int i = 0; i < records.size(); i++) {
            assertEquals("tick " + i, records.get(i)[3], "line " + i + " of " + log);
        }
    }

    private static void awaitLines(Path log, int lines) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(lines + 10L).toNanos();
        while (records(log).size() < lines) {
            assertTrue(System.nanoTime() < deadline, "fewer than " + lines + " lines in " + log);
            Thread.sleep(100);
        }
    }

    private static void awaitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (HostView.alive(pid)) {
            assertTrue(System.nanoTime() < deadline, "pid " + pid + " did not exit");
            Thread.sleep(50);
        }
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
