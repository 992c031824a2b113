package dev.cortado.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortado.cri.v1.ContainerFilter;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxMetadata;
import dev.cortado.cri.v1.PodSandboxState;
import dev.cortado.cri.v1.PodSandboxStatus;
import dev.cortado.cri.v1.PodSandboxStatusResponse;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** RunPodSandbox, PodSandboxStatus, StopPodSandbox and RemovePodSandbox against a real daemon. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class PodLifecycleTest {

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
    void aPodIsReadyDescribesItselfStopsAndIsRemovedWithItsContainers() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig pod = h.pod("web")
                    .putLabels("app", "web").putLabels("tier", "front")
                    .putAnnotations("note", "hello world").putAnnotations("kubernetes.io/config.source", "api")
                    .build();
            long before = nowNanos();
            String id = h.runPod(pod);
            long after = nowNanos();
            assertEquals(64, id.length(), id);

            PodSandboxStatusResponse response = h.podStatus(id, false);
            PodSandboxStatus status = response.getStatus();
            assertEquals(id, status.getId());
            assertEquals(pod.getMetadata(), status.getMetadata());
            assertEquals(PodSandboxState.SANDBOX_READY, status.getState());
            assertTrue(status.getCreatedAt() >= before && status.getCreatedAt() <= after,
                    "created_at " + status.getCreatedAt() + " outside [" + before + ", " + after + "]");
            assertEquals(Map.of("app", "web", "tier", "front"), status.getLabelsMap());
            assertEquals(Map.of("note", "hello world", "kubernetes.io/config.source", "api"),
                    status.getAnnotationsMap());
            assertEquals(pod.getLinux().getSecurityContext().getNamespaceOptions(),
                    status.getLinux().getNamespaces().getOptions());
            assertEquals("", status.getRuntimeHandler());
            assertTrue(response.getInfoMap().isEmpty(), "no verbose info unless asked: " + response.getInfoMap());

            Path state = h.dir().resolve("state");
            JsonNode info = h.podInfo(id);
            assertEquals(id, info.get("id").asText());
            assertEquals("/cortado/" + id, info.get("cgroup").asText());
            assertEquals(0, info.get("podInitPid").asInt());
            assertEquals("web", info.get("config").get("metadata").get("name").asText());
            JsonNode namespaces = info.get("namespaces");
            for (String[] kind : new String[][] {{"network", "netns", "net"}, {"ipc", "ipcns", "ipc"},
                    {"uts", "utsns", "uts"}}) {
                Path pinned = state.resolve(kind[1]).resolve(id);
                assertEquals(pinned.toString(), namespaces.get(kind[0]).asText(), kind[0]);
                assertNotEquals(HostView.hostNamespace(kind[2]), HostView.pinnedNamespace(kind[2], pinned),
                        kind[0] + " namespace of the pod is the host's");
            }
            assertEquals("per container or host", namespaces.get("pid").asText());
            for (String cgroupDir : HostView.cgroupHierarchies().stream().map(Path::toString).toList()) {
                assertTrue(Files.isDirectory(Path.of(cgroupDir, "cortado", id)), "pod cgroup in " + cgroupDir);
            }

            String running = h.run(id, pod, h.container("running", pod, "sleep", "1000").build());
            String created = h.create(id, pod, h.container("created", pod, "sleep", "1000").build());
            long runningPid = h.pid(running);
            assertTrue(HostView.alive(runningPid));
            assertEquals(Map.of(running, ContainerState.CONTAINER_RUNNING, created, ContainerState.CONTAINER_CREATED),
                    states(h.podStatus(id, false)));

            h.stopPod(id);
            assertEquals(PodSandboxState.SANDBOX_NOTREADY, h.podStatus(id, false).getStatus().getState());
            ContainerStatus stopped = h.status(running);
            assertEquals(ContainerState.CONTAINER_EXITED, stopped.getState());
            assertEquals(137, stopped.getExitCode());
            assertTrue(stopped.getFinishedAt() >= stopped.getStartedAt() && stopped.getStartedAt() > 0);
            assertEquals(ContainerState.CONTAINER_EXITED, h.status(created).getState());
            assertFalse(HostView.alive(runningPid), "pid " + runningPid + " survived StopPodSandbox");
            assertEquals(Map.of(running, ContainerState.CONTAINER_EXITED, created, ContainerState.CONTAINER_EXITED),
                    states(h.podStatus(id, false)));
            for (String kind : new String[] {"netns", "ipcns", "utsns"}) {
                assertTrue(HostView.mountsUnder(state.resolve(kind)).isEmpty(), kind + " still pinned after stop");
            }
            assertCode(Status.Code.FAILED_PRECONDITION, "is not ready",
                    () -> h.create(id, pod, h.container("late", pod, "true").build()));

            h.stopPod(id);
            assertEquals(PodSandboxState.SANDBOX_NOTREADY, h.podStatus(id, false).getStatus().getState());

            h.removePod(id);
            assertCode(Status.Code.NOT_FOUND, id, () -> h.podStatus(id, false));
            assertCode(Status.Code.NOT_FOUND, running, () -> h.status(running));
            assertCode(Status.Code.NOT_FOUND, created, () -> h.status(created));
            assertTrue(h.containers(ContainerFilter.getDefaultInstance()).isEmpty());
            assertTrue(h.pods().isEmpty());
            h.removePod(id);
            h.assertNothingLeft();
        }
    }

    @Test
    void removingAReadyPodKillsAndRemovesItsRunningContainers() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig pod = h.pod("busy").build();
            String id = h.runPod(pod);
            String first = h.run(id, pod, h.container("first", pod, "sleep", "1000").build());
            String second = h.run(id, pod, h.container("second", pod, "sh", "-c", "sleep 1000 & exec sleep 1001")
                    .build());
            long firstPid = h.pid(first);
            long secondPid = h.pid(second);

            long started = System.nanoTime();
            h.removePod(id);
            long millis = (System.nanoTime() - started) / 1_000_000;

            assertTrue(millis < 5000, "RemovePodSandbox of two running containers took " + millis + " ms");
            assertFalse(HostView.alive(firstPid));
            assertFalse(HostView.alive(secondPid));
            assertTrue(h.pods().isEmpty());
            assertTrue(h.containers(ContainerFilter.getDefaultInstance()).isEmpty());
            h.assertNothingLeft();
            // nothing comes back from the records either
            h.restartDaemon();
            assertTrue(h.pods().isEmpty(), "pods after restart: " + h.pods());
            assertEquals(List.of(), h.containers(ContainerFilter.getDefaultInstance()),
                    "removed containers came back after a restart");
        }
    }

    @Test
    void anUnknownPodIsNotFound() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            String unknown = "0123456789abcdef".repeat(4);
            assertCode(Status.Code.NOT_FOUND, "pod sandbox \"" + unknown + "\" not found",
                    () -> h.podStatus(unknown, false));
            assertCode(Status.Code.NOT_FOUND, unknown, () -> h.podStatus(unknown, true));
            h.removePod(unknown);
        }
    }

    @Test
    void aSecondPodWithTheSameNameNamespaceUidAndAttemptIsRefused() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig pod = h.pod("twin").build();
            String first = h.runPod(pod);
            StatusRuntimeException refused = assertCode(Status.Code.ALREADY_EXISTS, first, () -> h.runPod(pod));
            assertTrue(refused.getStatus().getDescription().contains("twin_" + PodHarness.NAMESPACE + "_"
                    + pod.getMetadata().getUid() + "_0"), refused.getStatus().getDescription());
            assertEquals(1, h.pods().size(), "the refused pod left a record");

            PodSandboxConfig nextAttempt = pod.toBuilder()
                    .setMetadata(pod.getMetadata().toBuilder().setAttempt(1)).build();
            String second = h.runPod(nextAttempt);
            assertNotEquals(first, second);

            h.stopPod(first);
            h.removePod(first);
            String again = h.runPod(pod);
            assertEquals(PodSandboxState.SANDBOX_READY, h.podStatus(again, false).getStatus().getState());
            assertEquals(2, h.pods().size());
        }
    }

    @Test
    void aPodWithoutMetadataIsInvalid() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig full = h.pod("nameless").build();
            assertCode(Status.Code.INVALID_ARGUMENT, "config.metadata.name is required",
                    () -> h.runPod(full.toBuilder().clearMetadata().build()));
            assertCode(Status.Code.INVALID_ARGUMENT, "config.metadata.namespace is required",
                    () -> h.runPod(full.toBuilder().setMetadata(PodSandboxMetadata.newBuilder().setName("n")
                            .setUid("u")).build()));
            assertCode(Status.Code.INVALID_ARGUMENT, "config.metadata.uid is required",
                    () -> h.runPod(full.toBuilder().setMetadata(PodSandboxMetadata.newBuilder().setName("n")
                            .setNamespace("ns")).build()));
            assertCode(Status.Code.INVALID_ARGUMENT, "TARGET is for containers",
                    () -> h.runPod(full.toBuilder().setLinux(full.getLinux().toBuilder().setSecurityContext(
                            full.getLinux().getSecurityContext().toBuilder().setNamespaceOptions(
                                    PodHarness.namespaces(NamespaceMode.POD, NamespaceMode.TARGET, NamespaceMode.POD))))
                            .build()));
            assertTrue(h.pods().isEmpty(), "an invalid pod left a record: " + h.pods());
            assertTrue(HostView.mountsUnder(h.dir()).isEmpty(), "an invalid pod left mounts");
        }
    }

    private static Map<String, ContainerState> states(PodSandboxStatusResponse response) {
        return response.getContainersStatusesList().stream()
                .collect(Collectors.toMap(ContainerStatus::getId, ContainerStatus::getState));
    }

    static StatusRuntimeException assertCode(Status.Code code, String inMessage, Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription() != null && e.getStatus().getDescription().contains(inMessage),
                "expected \"" + inMessage + "\" in: " + e.getStatus().getDescription());
        return e;
    }

    static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
