package dev.cortado.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The network, IPC and UTS namespaces a pod's NamespaceOption asks for, seen from inside its
 * containers and compared with the host's and with the files the daemon pinned.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class PodSharedNamespacesTest {

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
    void aPodNetworkHasOnlyLoopbackUpAndIsThePinnedOne() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig pod = h.pod("netpod").build();
            String id = h.runPod(pod);
            String first = h.run(id, pod, h.container("first", pod, "sleep", "1000").build());
            String second = h.run(id, pod, h.container("second", pod, "sleep", "1000").build());

            assertEquals(List.of("lo"), HostView.interfaces(h.sh(first, "cat /proc/net/dev")));
            assertTrue(h.sh(first, "ip link show lo").contains("<LOOPBACK,UP,LOWER_UP>"),
                    h.sh(first, "ip link show lo"));
            String inside = h.sh(first, "readlink /proc/self/ns/net").trim();
            Path pinned = h.dir().resolve("state/netns").resolve(id);
            assertEquals(HostView.pinnedNamespace("net", pinned), inside);
            assertNotEquals(HostView.hostNamespace("net"), inside);
            assertEquals(inside, h.sh(second, "readlink /proc/self/ns/net").trim());
            assertEquals(inside, HostView.namespaceOf(h.pid(first), "net"));
        }
    }

    @Test
    void aHostNetworkPodSeesTheNodesInterfacesAndHostname() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig pod = h.pod("hostnet", PodHarness.namespaces(NamespaceMode.NODE, NamespaceMode.CONTAINER,
                    NamespaceMode.POD)).build();
            String id = h.runPod(pod);
            String container = h.run(id, pod, h.container("main", pod, "sleep", "1000").build());
            String nodeName = HostView.read(Path.of("/proc/sys/kernel/hostname")).trim();

            assertEquals(HostView.interfaces(HostView.read(Path.of("/proc/self/net/dev"))),
                    HostView.interfaces(h.sh(container, "cat /proc/net/dev")));
            assertEquals(HostView.hostNamespace("net"), h.sh(container, "readlink /proc/self/ns/net").trim());
            assertEquals(HostView.hostNamespace("uts"), h.sh(container, "readlink /proc/self/ns/uts").trim());
            assertEquals(nodeName + "\n", h.sh(container, "hostname"));
            assertEquals(nodeName + "\n", h.sh(container, "cat /etc/hostname"));
            assertEquals("host", h.podInfo(id).get("namespaces").get("network").asText());
            assertEquals("host", h.podInfo(id).get("namespaces").get("uts").asText());
            assertFalse(Files.exists(h.dir().resolve("state/netns").resolve(id)), "a host-network pod pinned a netns");
        }
    }

    @Test
    void aPodIpcNamespaceAndShmAreSharedByItsContainersOnly() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig pod = h.pod("ipcpod").build();
            String id = h.runPod(pod);
            String writer = h.run(id, pod, h.container("writer", pod, "sleep", "1000").build());
            String reader = h.run(id, pod, h.container("reader", pod, "sleep", "1000").build());
            PodSandboxConfig otherPod = h.pod("other").build();
            String otherId = h.runPod(otherPod);
            String stranger = h.run(otherId, otherPod, h.container("stranger", otherPod, "sleep", "1000").build());
            String marker = "cortado-pod-test-" + UUID.randomUUID();

            h.sh(writer, "echo shared by the pod > /dev/shm/" + marker);

            assertEquals("shared by the pod\n", h.sh(reader, "cat /dev/shm/" + marker));
            assertFalse(Files.exists(Path.of("/dev/shm", marker)), "the pod's /dev/shm is the host's");
            assertEquals(1, h.exec(stranger, "cat", "/dev/shm/" + marker).getExitCode(),
                    "another pod sees this pod's /dev/shm");
            String ipc = h.sh(writer, "readlink /proc/self/ns/ipc").trim();
            assertEquals(HostView.pinnedNamespace("ipc", h.dir().resolve("state/ipcns").resolve(id)), ipc);
            assertEquals(ipc, h.sh(reader, "readlink /proc/self/ns/ipc").trim());
            assertNotEquals(HostView.hostNamespace("ipc"), ipc);
            assertNotEquals(ipc, h.sh(stranger, "readlink /proc/self/ns/ipc").trim());
            assertTrue(h.sh(reader, "grep ' /dev/shm ' /proc/mounts").startsWith("shm /dev/shm tmpfs "),
                    h.sh(reader, "cat /proc/mounts"));
        }
    }

    @Test
    void aHostIpcPodSharesTheNodesShm() throws Exception {
        Path marker = Path.of("/dev/shm", "cortado-pod-test-" + UUID.randomUUID());
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig pod = h.pod("hostipc", PodHarness.namespaces(NamespaceMode.POD, NamespaceMode.CONTAINER,
                    NamespaceMode.NODE)).build();
            String id = h.runPod(pod);
            String container = h.run(id, pod, h.container("main", pod, "sleep", "1000").build());

            h.sh(container, "echo from the container > " + marker);

            assertEquals("from the container\n", Files.readString(marker));
            assertEquals(HostView.hostNamespace("ipc"), h.sh(container, "readlink /proc/self/ns/ipc").trim());
            assertEquals("host", h.podInfo(id).get("namespaces").get("ipc").asText());
        } finally {
            Files.deleteIfExists(marker);
        }
    }

    @Test
    void thePodsHostnameLivesInItsOwnUtsNamespace() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            Path nodeHostname = Path.of("/proc/sys/kernel/hostname");
            String nodeBefore = HostView.read(nodeHostname);
            PodSandboxConfig pod = h.pod("utspod").setHostname("pod-host-" + UUID.randomUUID().toString()
                    .substring(0, 8)).build();
            String id = h.runPod(pod);
            String first = h.run(id, pod, h.container("first", pod, "sleep", "1000").build());
            String second = h.run(id, pod, h.container("second", pod, "sleep", "1000").build());

            assertEquals(pod.getHostname() + "\n", h.sh(first, "hostname"));
            assertEquals(pod.getHostname() + "\n", h.sh(second, "hostname"));
            assertEquals(pod.getHostname() + "\n", h.sh(second, "cat /etc/hostname"));
            String uts = h.sh(first, "readlink /proc/self/ns/uts").trim();
            assertEquals(HostView.pinnedNamespace("uts", h.dir().resolve("state/utsns").resolve(id)), uts);
            assertEquals(uts, h.sh(second, "readlink /proc/self/ns/uts").trim());
            assertNotEquals(HostView.hostNamespace("uts"), uts);
            assertEquals(nodeBefore, HostView.read(nodeHostname), "the node's hostname changed");
        }
    }
}
