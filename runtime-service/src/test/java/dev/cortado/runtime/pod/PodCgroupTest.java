package dev.cortado.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.LinuxPodSandboxConfig;
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
 * A pod under a kubelet-style cgroup_parent: its containers' cgroups are
 * {@code <parent>/<container id>} in every hierarchy, hold their processes, and go with the
 * container; the parent is the kubelet's and stays.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class PodCgroupTest {

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
    void containersLiveUnderTheGivenCgroupParentInEveryHierarchy() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            String top = "/cortado-test-" + UUID.randomUUID().toString().substring(0, 8);
            h.ownCgroup(top);
            PodSandboxConfig.Builder builder = h.pod("cgpod", PodHarness.namespaces(NamespaceMode.POD,
                    NamespaceMode.POD, NamespaceMode.POD));
            String parent = top + "/pod" + builder.getMetadata().getUid();
            PodSandboxConfig pod = builder.setLinux(builder.getLinux().toBuilder().setCgroupParent(parent)).build();
            String id = h.runPod(pod);
            List<Path> hierarchies = HostView.cgroupHierarchies();
            assertTrue(hierarchies.size() >= 2, "cgroup hierarchies: " + hierarchies);

            assertEquals(parent, h.podInfo(id).get("cgroup").asText());
            long podInit = h.podInfo(id).get("podInitPid").asLong();
            for (Path hierarchy : hierarchies) {
                Path dir = hierarchy.resolve(parent.substring(1));
                assertTrue(HostView.cgroupProcs(dir).contains(podInit), "pod init " + podInit + " not in " + dir);
            }

            String container = h.run(id, pod, h.container("main", pod, "sleep", "1000").build());
            long pid = h.pid(container);
            String cgroup = parent + "/" + container;
            assertEquals(cgroup, h.info(container).get("cgroup").asText());
            for (Path hierarchy : hierarchies) {
                Path dir = hierarchy.resolve(cgroup.substring(1));
                assertEquals(List.of(pid), HostView.cgroupProcs(dir), "cgroup.procs of " + dir);
            }
            for (String line : HostView.read(Path.of("/proc/" + pid + "/cgroup")).split("\n")) {
                assertTrue(line.endsWith(":" + cgroup), "/proc/" + pid + "/cgroup: " + line);
            }
            String exec = h.sh(container, "sleep 30 > /dev/null 2>&1 & echo $!").trim();
            assertEquals(2, HostView.cgroupProcs(hierarchies.get(0).resolve(cgroup.substring(1))).size(),
                    "an exec's process " + exec + " is not in the container's cgroup");

            h.stop(container, 0);
            h.remove(container);
            for (Path hierarchy : hierarchies) {
                assertTrue(Files.notExists(hierarchy.resolve(cgroup.substring(1))), "left " + cgroup
                        + " in " + hierarchy);
                assertTrue(Files.isDirectory(hierarchy.resolve(parent.substring(1))), "the kubelet's parent "
                        + parent + " was removed from " + hierarchy + " with the container");
            }

            h.stopPod(id);
            h.removePod(id);
            for (Path hierarchy : hierarchies) {
                Path dir = hierarchy.resolve(parent.substring(1));
                assertTrue(Files.isDirectory(dir), "cortado removed the kubelet-provided parent " + dir);
                assertEquals(List.of(), HostView.cgroupProcs(dir), "processes left in " + dir);
            }
        }
    }

    @Test
    void aPodWithoutParentGetsCortadosCgroupRemovedWithIt() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig pod = h.pod("owncg").setLinux(LinuxPodSandboxConfig.newBuilder()).build();
            String id = h.runPod(pod);
            String container = h.run(id, pod, h.container("main", pod, "sleep", "1000").build());
            String cgroup = "/cortado/" + id + "/" + container;
            assertEquals(cgroup, h.info(container).get("cgroup").asText());
            assertEquals(HostView.cgroupHierarchies().size(), HostView.cgroupDirs(cgroup).size());

            h.stopPod(id);
            h.removePod(id);

            assertEquals(List.of(), HostView.cgroupDirs("/cortado/" + id));
        }
    }
}
