package dev.cortado.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.LinuxContainerResources;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.UpdateContainerResourcesRequest;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A restarted daemon keeps what UpdateContainerResources set, and tells an OOM kill that
 * happened while it was down from any other end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class ResourcesRestartTest {

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
    void anOomKillWhileTheDaemonWasDownIsOOMKilledAndUpdatesSurvive() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig pod = h.pod("oom-restart").build();
            String podId = h.runPod(pod);
            var config = h.container("hog", pod, "sh", "-c",
                    "while [ ! -e /go ]; do usleep 50000; done; exec tail /dev/zero");
            config.getLinuxBuilder().setResources(LinuxContainerResources.newBuilder()
                    .setMemoryLimitInBytes(32L << 20).setCpuQuota(50_000).setCpuPeriod(100_000));
            String id = h.run(podId, pod, config.build());
            h.cri().updateContainerResources(UpdateContainerResourcesRequest.newBuilder().setContainerId(id)
                    .setLinux(LinuxContainerResources.newBuilder().setCpuQuota(30_000)).build());
            Path memoryCgroup = Path.of("/sys/fs/cgroup/memory").resolve(h.info(id).get("cgroup").asText().substring(1));

            h.killDaemon();
            Files.writeString(h.daemon().dir().resolve("state/containers").resolve(id).resolve("rootfs/go"), "");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.readString(memoryCgroup.resolve("memory.oom_control")).contains("oom_kill 1")) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no OOM kill in " + memoryCgroup);
                }
                Thread.sleep(50);
            }
            h.restartDaemon();

            ContainerStatus status = h.awaitState(id, ContainerState.CONTAINER_EXITED, Duration.ofSeconds(20));
            assertEquals("OOMKilled", status.getReason(), status.toString());
            assertEquals(137, status.getExitCode());
            assertEquals(30_000, status.getResources().getLinux().getCpuQuota(), "the update survived the restart");
            assertEquals(32L << 20, status.getResources().getLinux().getMemoryLimitInBytes());
            h.removePod(podId);
            h.assertNothingLeft();
        }
    }
}
