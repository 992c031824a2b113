package dev.cortado.runtime.container;

import dev.cortado.runtime.daemon.RpcFailures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ContainerFilter;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStateValue;
import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.ContainerStatusRequest;
import dev.cortado.cri.v1.ExecSyncRequest;
import dev.cortado.cri.v1.LinuxContainerUser;
import dev.cortado.cri.v1.ListContainersRequest;
import dev.cortado.cri.v1.Mount;
import dev.cortado.cri.v1.RemoveContainerRequest;
import dev.cortado.cri.v1.StartContainerRequest;
import dev.cortado.cri.v1.StopContainerRequest;
import dev.cortado.runtime.state.Ids;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A container's way from CREATED through RUNNING to EXITED, as ContainerStatus reports it. */
class ContainerLifecycleTest extends BusyboxDaemonTest {

    private static final Duration EXIT_WAIT = Duration.ofSeconds(10);
    /** Waits for /tmp/go, so the test decides when it exits (and with which code). */
    private static final String WAIT_FOR_GO =
            "while [ ! -e /tmp/go ]; do usleep 20000; done; exit $(cat /tmp/go)";

    ContainerLifecycleTest() {
        super("ctr-lifecycle");
    }

    @Test
    void createdRunningExitedWithOrderedTimesAndImageFields() throws Exception {
        Path volume = Files.createDirectories(harness.dir().resolve("volume"));
        PodFixture.Pod pod = pods.startPod("life");
        Mount mount = Mount.newBuilder().setHostPath(volume.toString()).setContainerPath("/volume").build();
        ContainerConfig config = PodFixture.container("main", busybox.reference(), "sh", "-c", WAIT_FOR_GO)
                .addMounts(mount).putLabels("app", "life").putAnnotations("note", "kept").build();

        long beforeCreate = Ids.nowNanos();
        String id = pods.create(pod, config);
        ContainerStatus created = pods.status(id);
        assertEquals(ContainerState.CONTAINER_CREATED, created.getState());
        assertEquals(id, created.getId());
        assertEquals("main", created.getMetadata().getName());
        assertTrue(created.getCreatedAt() >= beforeCreate && created.getCreatedAt() <= Ids.nowNanos(),
                "created_at " + created.getCreatedAt() + " is not the time of the create call");
        assertEquals(0, created.getStartedAt());
        assertEquals(0, created.getFinishedAt());
        assertEquals(busybox.reference(), created.getImage().getImage());
        assertEquals(busybox.digestReference(), created.getImageRef());
        assertEquals(busybox.imageId(), created.getImageId());
        assertEquals(harness.dir().resolve("logs/life/main/0.log").toString(), created.getLogPath());
        assertEquals(List.of(mount), created.getMountsList());
        assertEquals("life", created.getLabelsOrThrow("app"));
        assertEquals("kept", created.getAnnotationsOrThrow("note"));
        assertEquals(LinuxContainerUser.newBuilder().setUid(0).setGid(0).addSupplementalGroups(0).build(),
                created.getUser().getLinux());

        pods.start(id);
        ContainerStatus running = pods.status(id);
        assertEquals(ContainerState.CONTAINER_RUNNING, running.getState());
        assertTrue(running.getStartedAt() > running.getCreatedAt(), "started_at must follow created_at: " + running);
        assertTrue(running.getStartedAt() <= Ids.nowNanos());
        assertEquals(0, running.getFinishedAt());
        assertEquals(created.getCreatedAt(), running.getCreatedAt());
        assertEquals("", running.getReason());
        assertEquals("0\n0\n0\n", pods.sh(id, "id -u; id -g; id -G"), "the process runs as status.user says");

        assertEquals(List.of(id), listed(ContainerState.CONTAINER_RUNNING));
        assertEquals(List.of(), listed(ContainerState.CONTAINER_CREATED));

        Status.Code twice = RpcFailures.code(() -> harness.runtime().startContainer(
                StartContainerRequest.newBuilder().setContainerId(id).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, twice);
        assertEquals(ContainerState.CONTAINER_RUNNING, pods.status(id).getState(), "a second start changes nothing");

        long beforeExit = Ids.nowNanos();
        pods.sh(id, "echo 0 > /tmp/go.new && mv /tmp/go.new /tmp/go");
        ContainerStatus exited = pods.awaitState(id, ContainerState.CONTAINER_EXITED, EXIT_WAIT);
        assertEquals(0, exited.getExitCode());
        assertEquals("Completed", exited.getReason());
        assertEquals("", exited.getMessage());
        assertEquals(running.getStartedAt(), exited.getStartedAt());
        assertTrue(exited.getFinishedAt() >= beforeExit && exited.getFinishedAt() <= Ids.nowNanos(),
                "finished_at " + exited.getFinishedAt() + " is not the time of the exit");
        assertEquals(busybox.imageId(), exited.getImageId());
        assertEquals(config.getMountsList(), exited.getMountsList());

        assertEquals(List.of(id), listed(ContainerState.CONTAINER_EXITED));
        assertEquals(List.of(), listed(ContainerState.CONTAINER_RUNNING));

        pods.stop(id, 10);
        assertEquals(exited, pods.status(id), "stopping an exited container changes nothing");
        Status.Code startExited = RpcFailures.code(() -> harness.runtime().startContainer(
                StartContainerRequest.newBuilder().setContainerId(id).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, startExited);

        pods.remove(id);
        pods.remove(id);
        assertEquals(Status.Code.NOT_FOUND, RpcFailures.code(() -> pods.status(id)));
        assertEquals(0, harness.containerCount());
    }

    @Test
    void aNonZeroExitIsAnError() {
        PodFixture.Pod pod = pods.startPod("fails");
        String id = pods.run(pod, "main", busybox.reference(), "sh", "-c", "exit 7");
        ContainerStatus exited = pods.awaitState(id, ContainerState.CONTAINER_EXITED, EXIT_WAIT);
        assertEquals(7, exited.getExitCode());
        assertEquals("Error", exited.getReason());
        assertTrue(exited.getFinishedAt() >= exited.getStartedAt() && exited.getStartedAt() > exited.getCreatedAt(),
                "times out of order: " + exited);
    }

    @Test
    void verboseInfoNamesThePidSpecAndLayersThatExist() throws Exception {
        PodFixture.Pod pod = pods.startPod("info");
        String id = pods.run(pod, "main", busybox.reference(), "sh", "-c", WAIT_FOR_GO);
        JsonNode info = pods.info(id);

        long pid = info.get("pid").asLong();
        assertTrue(pid > 1, "pid " + pid);
        assertEquals("sh\0-c\0" + WAIT_FOR_GO + "\0", HostLeftovers.commandLine(pid), "pid names the container's process");
        assertEquals(pod.id(), info.get("sandboxID").asText());
        assertEquals(List.of("sh", "-c", WAIT_FOR_GO), strings(info.at("/runtimeSpec/process/args")));
        JsonNode annotations = info.at("/runtimeSpec/annotations");
        assertEquals("main", annotations.path("io.kubernetes.cri.container-name").asText());
        assertEquals(pod.id(), annotations.path("io.kubernetes.cri.sandbox-id").asText());
        assertEquals(busybox.reference(), annotations.path("io.kubernetes.cri.image-name").asText());

        JsonNode layers = info.get("layers");
        List<String> lowers = strings(layers.get("lowerdir"));
        assertEquals(2, lowers.size(), "the init layer and busybox's one layer: " + lowers);
        assertEquals(layers.get("init").asText(), lowers.get(0), "the init layer is the top lowerdir");
        for (String dir : lowers) {
            assertTrue(Files.isDirectory(Path.of(dir)), dir);
        }
        assertTrue(Files.isRegularFile(Path.of(lowers.get(1), "bin/busybox")), "the image layer holds busybox");
        assertEquals("info\n", Files.readString(Path.of(lowers.get(0), "etc/hostname")));
        Path upper = Path.of(layers.get("upperdir").asText());
        Path work = Path.of(layers.get("workdir").asText());
        Path merged = Path.of(layers.get("merged").asText());
        assertTrue(Files.isDirectory(upper) && Files.isDirectory(work) && Files.isDirectory(merged));
        assertTrue(upper.startsWith(harness.root()) && work.startsWith(harness.root()), "layers are kept in root");
        assertTrue(merged.startsWith(harness.state()), "the merged mount is in state");
        String mountLine = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].equals(merged.toString())).findFirst()
                .orElseThrow(() -> new AssertionError(merged + " is not mounted"));
        assertTrue(mountLine.contains(" - overlay "), mountLine);
        assertTrue(mountLine.contains("upperdir=" + upper) && mountLine.contains("workdir=" + work), mountLine);

        pods.remove(id);
        assertFalse(Files.exists(upper) || Files.exists(work) || Files.exists(merged),
                "remove deletes the layers and the mount point");
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(merged.toString()));
        PodFixture.await(() -> !HostLeftovers.alive(pid), Duration.ofSeconds(5),
                () -> "process " + pid + " still runs after RemoveContainer");
    }

    @Test
    void removingARunningContainerKillsItPromptlyAndForgetsIt() throws Exception {
        PodFixture.Pod pod = pods.startPod("removed");
        String id = pods.run(pod, "main", busybox.reference(), "sleep", "1000");
        long pid = pods.info(id).get("pid").asLong();
        Path record = harness.root().resolve("metadata/containers/" + id + ".json");
        assertTrue(Files.exists(record), "the daemon keeps a record of the container at " + record);

        long begin = System.nanoTime();
        pods.remove(id);
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "RemoveContainer of a running container took " + took);
        assertFalse(HostLeftovers.alive(pid), "process " + pid + " outlived RemoveContainer");
        Thread.sleep(300); // an exit recorded late would write the record again
        assertFalse(Files.exists(record), "the removed container's record came back: a restart would revive it");
        assertEquals(0, harness.containerCount());
    }

    @Test
    void unknownContainersAreNotFoundButRemovingOneIsFine() {
        String unknown = "0123456789abcdef";
        List<Status.Code> codes = new ArrayList<>();
        codes.add(RpcFailures.code(() -> harness.runtime().containerStatus(
                ContainerStatusRequest.newBuilder().setContainerId(unknown).build())));
        codes.add(RpcFailures.code(() -> harness.runtime().startContainer(
                StartContainerRequest.newBuilder().setContainerId(unknown).build())));
        codes.add(RpcFailures.code(() -> harness.runtime().stopContainer(
                StopContainerRequest.newBuilder().setContainerId(unknown).setTimeout(1).build())));
        codes.add(RpcFailures.code(() -> harness.runtime().execSync(
                ExecSyncRequest.newBuilder().setContainerId(unknown).addCmd("true").build())));
        assertEquals(List.of(Status.Code.NOT_FOUND, Status.Code.NOT_FOUND, Status.Code.NOT_FOUND,
                Status.Code.NOT_FOUND), codes);
        RpcFailures.assertFails(Status.Code.NOT_FOUND, () -> harness.runtime().containerStatus(
                ContainerStatusRequest.newBuilder().setContainerId(unknown).build()), unknown);
        harness.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(unknown).build());
        assertEquals(0, harness.runtime().listContainers(ListContainersRequest.getDefaultInstance())
                .getContainersCount());
    }

    private List<String> listed(ContainerState state) {
        return harness.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(ContainerFilter
                .newBuilder().setState(ContainerStateValue.newBuilder().setState(state))).build())
                .getContainersList().stream().map(dev.cortado.cri.v1.Container::getId).toList();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
