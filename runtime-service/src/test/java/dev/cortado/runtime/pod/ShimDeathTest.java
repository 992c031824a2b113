package dev.cortado.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxState;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A container's shim killed with SIGKILL: the daemon reports the container exited with reason
 * ShimDied, kills what was left of it, and removes it cleanly; the pod carries on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class ShimDeathTest {

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
    void aKilledShimTakesItsContainerWithItAndTheContainerIsRemovedCleanly() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig pod = h.pod("shimless").build();
            String podId = h.runPod(pod);
            String id = h.run(podId, pod, h.container("victim", pod, "sh", "-c", "sleep 1000 & exec sleep 1001")
                    .build());
            long shimPid = h.info(id).get("shimPid").asLong();
            long pid = h.pid(id);
            String cgroup = h.info(id).get("cgroup").asText();
            List<Path> cgroupDirs = HostView.cgroupDirs(cgroup);
            awaitProcs(cgroupDirs.get(0), 2);
            List<Long> processes = HostView.cgroupProcs(cgroupDirs.get(0));
            assertTrue(HostView.cmdline(shimPid).contains("cortado-shim create --id " + id),
                    "shimPid " + shimPid + " is " + HostView.cmdline(shimPid));
            Path bundle = h.dir().resolve("state/containers").resolve(id);
            assertEquals(List.of(bundle.resolve("rootfs").toString()), HostView.mountsUnder(bundle));

            ProcessHandle.of(shimPid).orElseThrow().destroyForcibly();

            ContainerStatus status = h.awaitState(id, ContainerState.CONTAINER_EXITED, Duration.ofSeconds(10));
            assertEquals("ShimDied", status.getReason());
            assertEquals(137, status.getExitCode());
            assertTrue(status.getMessage().contains("shim (pid " + shimPid + ") is gone"), status.getMessage());
            assertTrue(status.getMessage().contains("processes were killed"), status.getMessage());
            assertTrue(status.getFinishedAt() >= status.getStartedAt());
            for (long process : processes) {
                awaitGone(process);
            }
            assertFalse(HostView.alive(pid));
            for (Path dir : cgroupDirs) {
                assertEquals(List.of(), HostView.cgroupProcs(dir), "processes left in " + dir);
            }
            PodLifecycleTest.assertCode(Status.Code.FAILED_PRECONDITION, "not running",
                    () -> h.exec(id, "true"));

            h.remove(id);

            PodLifecycleTest.assertCode(Status.Code.NOT_FOUND, id, () -> h.status(id));
            assertEquals(List.of(), HostView.mountsUnder(bundle));
            assertFalse(Files.exists(bundle), "bundle " + bundle + " left");
            assertFalse(Files.exists(h.dir().resolve("root/containers").resolve(id)), "layers left");
            assertEquals(List.of(), HostView.cgroupDirs(cgroup));
            assertEquals(List.of(), HostView.shimsUnder(h.dir()));

            assertEquals(PodSandboxState.SANDBOX_READY, h.podStatus(podId, false).getStatus().getState());
            String next = h.run(podId, pod, h.container("next", pod, "sleep", "1000").build());
            assertEquals("alive\n", h.sh(next, "echo alive"));
        }
    }

    private static void awaitProcs(Path cgroupDir, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (HostView.cgroupProcs(cgroupDir).size() < count) {
            assertTrue(System.nanoTime() < deadline, "fewer than " + count + " processes in " + cgroupDir);
            Thread.sleep(20);
        }
    }

    private static void awaitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (HostView.alive(pid)) {
            assertTrue(System.nanoTime() < deadline, "pid " + pid + " (" + HostView.cmdline(pid) + ") still runs");
            Thread.sleep(20);
        }
    }
}
