package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.Signal;
import dev.cortado.hack.image.BusyboxRootfs;
import dev.cortado.hack.image.Compression;
import dev.cortado.hack.image.ImageBuilder;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * StopContainer: the stop signal (the kubelet's, else the image's, else SIGTERM) and the
 * escalation to SIGKILL when the grace period runs out.
 */
class StopContainerTest extends BusyboxDaemonTest {

    /**
     * Traps TERM, USR1 and QUIT with distinct exit codes (15, 10, 3), says "ready" once the traps
     * are set, then idles in short sleeps so that a trap runs within 50 ms.
     */
    private static final String TRAPS = "trap 'echo got TERM; exit 15' TERM; trap 'echo got USR1; exit 10' USR1;"
            + " trap 'echo got QUIT; exit 3' QUIT; echo ready; while true; do usleep 50000; done";

    private TestImage usr1Image;

    StopContainerTest() {
        super("ctr-stop");
    }

    @Override
    protected void prepare() throws Exception {
        usr1Image = TestImages.push(harness.registry(), "stopsignal", "latest", ImageBuilder.oci()
                .env(BusyboxRootfs.PATH_ENV)
                .cmd("/bin/sh")
                .stopSignal("SIGUSR1")
                .layer(BusyboxRootfs.layer(Compression.GZIP), "COPY busybox rootfs /")
                .build());
        pods.pull(usr1Image.reference());
    }

    @Test
    void sigtermEndsAContainerThatHandlesItAtOnce() throws Exception {
        String id = runTrapping("term", busybox, Signal.RUNTIME_DEFAULT);
        assertEquals(Signal.SIGTERM, pods.status(id).getStopSignal(), "the signal StopContainer will send");
        Duration took = timed(() -> pods.stop(id, 30));
        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "StopContainer took " + took);
        ContainerStatus status = pods.status(id);
        assertEquals(ContainerState.CONTAINER_EXITED, status.getState());
        assertEquals(15, status.getExitCode(), "the exit code of the TERM trap");
        assertEquals("Error", status.getReason());
        assertTrue(Files.readString(Path.of(status.getLogPath())).contains(" stdout F got TERM\n"));
    }

    @Test
    void aContainerIgnoringSigtermIsKilledWhenTheTimeoutEnds() throws Exception {
        PodFixture.Pod pod = pods.startPod("ignore");
        String id = pods.run(pod, "main", busybox.reference(), "sh", "-c",
                "trap '' TERM; echo ready; while true; do usleep 50000; done");
        awaitReady(id);
        long pid = pods.info(id).get("pid").asLong();
        Duration took = timed(() -> pods.stop(id, 2));
        assertTrue(took.compareTo(Duration.ofSeconds(2)) >= 0, "SIGKILL came before the 2 s grace ended: " + took);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "StopContainer took " + took);
        ContainerStatus status = pods.status(id);
        assertEquals(ContainerState.CONTAINER_EXITED, status.getState());
        assertEquals(137, status.getExitCode(), "killed by SIGKILL");
        assertEquals("Error", status.getReason());
        assertFalse(HostLeftovers.alive(pid), "process " + pid + " survived StopContainer");
    }

    @Test
    void timeoutZeroKillsAtOnce() throws Exception {
        PodFixture.Pod pod = pods.startPod("now");
        String id = pods.run(pod, "main", busybox.reference(), "sh", "-c", TRAPS);
        awaitReady(id);
        Duration took = timed(() -> pods.stop(id, 0));
        assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "StopContainer with timeout 0 took " + took);
        assertEquals(137, pods.status(id).getExitCode(), "no stop signal first: the TERM trap never ran");
    }

    @Test
    void theImagesStopSignalIsSent() throws Exception {
        String id = runTrapping("image", usr1Image, Signal.RUNTIME_DEFAULT);
        assertEquals(Signal.SIGUSR1, pods.status(id).getStopSignal(), "the image's StopSignal");
        Duration took = timed(() -> pods.stop(id, 30));
        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "StopContainer took " + took);
        assertEquals(10, pods.status(id).getExitCode(), "the exit code of the USR1 trap");
    }

    @Test
    void theKubeletsStopSignalWinsOverTheImages() throws Exception {
        String id = runTrapping("kubelet", usr1Image, Signal.SIGQUIT);
        assertEquals(Signal.SIGQUIT, pods.status(id).getStopSignal());
        Duration took = timed(() -> pods.stop(id, 30));
        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "StopContainer took " + took);
        assertEquals(3, pods.status(id).getExitCode(), "the exit code of the QUIT trap");
    }

    @Test
    void stoppingACreatedContainerEndsIt() {
        PodFixture.Pod pod = pods.startPod("created");
        String id = pods.create(pod, PodFixture.container("main", busybox.reference(), "sleep", "1000").build());
        long pid = pods.info(id).get("pid").asLong();
        pods.stop(id, 10);
        ContainerStatus status = pods.status(id);
        assertEquals(ContainerState.CONTAINER_EXITED, status.getState());
        assertFalse(HostLeftovers.alive(pid), "the waiting init " + pid + " survived StopContainer");
    }

    private String runTrapping(String name, TestImage image, Signal stopSignal) throws IOException {
        PodFixture.Pod pod = pods.startPod(name);
        String id = pods.run(pod, PodFixture.container("main", image.reference(), "sh", "-c", TRAPS)
                .setStopSignal(stopSignal).build());
        awaitReady(id);
        return id;
    }

    /** The traps are set once the container said so in its log. */
    private void awaitReady(String id) {
        Path log = Path.of(pods.status(id).getLogPath());
        PodFixture.await(() -> {
            try {
                return Files.exists(log) && Files.readString(log).contains(" stdout F ready\n");
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofSeconds(10), () -> "the container did not get ready");
    }

    private static Duration timed(Runnable call) {
        long begin = System.nanoTime();
        call.run();
        return Duration.ofNanos(System.nanoTime() - begin);
    }
}
