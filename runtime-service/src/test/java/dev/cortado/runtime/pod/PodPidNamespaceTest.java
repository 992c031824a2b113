package dev.cortado.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxFilter;
import dev.cortado.cri.v1.PodSandboxState;
import dev.cortado.cri.v1.PodSandboxStateValue;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import java.nio.file.Files;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * PID namespaces: one per container (the default), one per pod whose pid 1 is the pod init
 * (cortado-shim in pause mode, reaping orphans; the pod is not ready once it died), and the node's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class PodPidNamespaceTest {

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
    void eachContainerHasItsOwnPidNamespaceByDefault() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig pod = h.pod("pidpercontainer").build();
            String id = h.runPod(pod);
            String first = h.run(id, pod, h.container("first", pod, "sleep", "1001").build());
            // no namespace options at all, as a minimal client sends: still a PID namespace of its own
            String second = h.run(id, pod, h.container("second", pod, "sleep", "1002").clearLinux().build());

            assertEquals("sleep 1001", h.sh(first, "tr '\\0' ' ' < /proc/1/cmdline").trim());
            assertEquals("sleep 1002", h.sh(second, "tr '\\0' ' ' < /proc/1/cmdline").trim());
            assertFalse(h.sh(first, "ps -o pid,args").contains("sleep 1002"), h.sh(first, "ps -o pid,args"));
            assertFalse(h.sh(second, "ps -o pid,args").contains("sleep 1001"), h.sh(second, "ps -o pid,args"));
            String firstNs = HostView.namespaceOf(h.pid(first), "pid");
            String secondNs = HostView.namespaceOf(h.pid(second), "pid");
            assertNotEquals(firstNs, secondNs);
            assertNotEquals(HostView.hostNamespace("pid"), firstNs);
            assertNotEquals(HostView.hostNamespace("pid"), secondNs);
            assertEquals(0, h.podInfo(id).get("podInitPid").asInt());
        }
    }

    @Test
    void aPodPidNamespaceIsSharedAndItsPid1IsThePodInitWhichReapsOrphans() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig pod = h.pod("sharedpid", PodHarness.namespaces(NamespaceMode.POD, NamespaceMode.POD,
                    NamespaceMode.POD)).build();
            String id = h.runPod(pod);
            JsonNode info = h.podInfo(id);
            long podInit = info.get("podInitPid").asLong();
            Path pinned = h.dir().resolve("state/pidns").resolve(id);
            assertEquals(pinned.toString(), info.get("namespaces").get("pid").asText());
            assertTrue(podInit > 0 && HostView.alive(podInit), "pod init " + podInit);
            assertTrue(HostView.cmdline(podInit).contains("cortado-shim create --id " + id),
                    HostView.cmdline(podInit));

            String first = h.run(id, pod, h.container("first", pod, "sleep", "1001").build());
            String second = h.run(id, pod, h.container("second", pod, "sleep", "1002").build());

            String podNs = HostView.pinnedNamespace("pid", pinned);
            assertEquals(podNs, HostView.namespaceOf(podInit, "pid"));
            assertEquals(podNs, HostView.namespaceOf(h.pid(first), "pid"));
            assertEquals(podNs, HostView.namespaceOf(h.pid(second), "pid"));
            String seenByFirst = h.sh(first, "ps -o pid,args");
            assertTrue(seenByFirst.contains("sleep 1002"), seenByFirst);
            assertTrue(h.sh(second, "ps -o pid,args").contains("sleep 1001"));
            String pid1 = h.sh(second, "tr '\\0' ' ' < /proc/1/cmdline");
            assertTrue(pid1.contains("cortado-shim create --id " + id), "pid 1 of the pod: " + pid1);

            // orphans of an exec are re-parented to the pod init, which must reap them when they exit
            h.sh(first, "for i in 1 2 3; do sleep 2 > /dev/null 2>&1 & done");
            List<Long> orphans = HostView.children(podInit);
            assertEquals(3, orphans.size(), "children of the pod init: " + orphans);
            for (long orphan : orphans) {
                assertEquals("sleep 2", HostView.cmdline(orphan));
            }
            long deadline = System.nanoTime() + 6_000_000_000L;
            while (!HostView.children(podInit).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            List<Long> left = HostView.children(podInit);
            assertEquals(List.of(), left, "unreaped children of the pod init: "
                    + left.stream().map(p -> p + " " + HostView.state(p).orElse("gone")).toList());
            assertTrue(HostView.alive(podInit));

            h.stopPod(id);
            assertFalse(HostView.alive(podInit), "pod init survived StopPodSandbox");
            assertFalse(Files.exists(pinned), "pid namespace still pinned after stop");
        }
    }

    @Test
    void aPodWhosePodInitDiedIsNotReady() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig pod = h.pod("initdies", PodHarness.namespaces(NamespaceMode.POD, NamespaceMode.POD,
                    NamespaceMode.POD)).build();
            String id = h.runPod(pod);
            String container = h.run(id, pod, h.container("main", pod, "sleep", "1000").build());
            long podInit = h.podInfo(id).get("podInitPid").asLong();
            long pid = h.pid(container);

            ProcessHandle.of(podInit).orElseThrow().destroyForcibly();

            // the kernel ends a PID namespace with its init: every process in it is killed
            ContainerStatus status = h.awaitState(container, ContainerState.CONTAINER_EXITED, Duration.ofSeconds(10));
            assertEquals(137, status.getExitCode());
            assertFalse(HostView.alive(pid));
            assertEquals(PodSandboxState.SANDBOX_NOTREADY, h.podStatus(id, false).getStatus().getState());
            assertEquals(List.of(id), h.pods(PodSandboxFilter.newBuilder().setState(PodSandboxStateValue.newBuilder()
                    .setState(PodSandboxState.SANDBOX_NOTREADY)).build()).stream().map(p -> p.getId()).toList());
            PodLifecycleTest.assertCode(Status.Code.FAILED_PRECONDITION, "is not ready",
                    () -> h.create(id, pod, h.container("next", pod, "sleep", "1000").build()));

            h.stopPod(id);
            h.removePod(id);
            h.assertNothingLeft();
        }
    }

    @Test
    void aHostPidContainerSeesTheNodesProcesses() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig pod = h.pod("hostpid", PodHarness.namespaces(NamespaceMode.POD, NamespaceMode.NODE,
                    NamespaceMode.POD)).build();
            String id = h.runPod(pod);
            ContainerConfig config = h.container("main", pod, "sleep", "1000").build();
            String container = h.run(id, pod, config);

            assertEquals(HostView.cmdline(1), h.sh(container, "tr '\\0' ' ' < /proc/1/cmdline").trim());
            long me = ProcessHandle.current().pid();
            assertEquals(HostView.cmdline(me), h.sh(container, "tr '\\0' ' ' < /proc/" + me + "/cmdline").trim());
            assertEquals(HostView.hostNamespace("pid"), HostView.namespaceOf(h.pid(container), "pid"));
            assertEquals(0, h.podInfo(id).get("podInitPid").asInt());
        }
    }
}
