package dev.cortado.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.Container;
import dev.cortado.cri.v1.ContainerFilter;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStateValue;
import dev.cortado.cri.v1.PodSandbox;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxFilter;
import dev.cortado.cri.v1.PodSandboxState;
import dev.cortado.cri.v1.PodSandboxStateValue;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * ListPodSandbox and ListContainers with each filter (id and id prefix, state, pod, label
 * selector) give exactly the matching items, oldest first; the streaming variants give the same
 * items in the same order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class PodListingTest {

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
    void podsAreListedByIdStateAndLabels() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig frontConfig = h.pod("front").putLabels("app", "web").putLabels("tier", "front")
                    .putAnnotations("owner", "team-a").build();
            PodSandboxConfig backConfig = h.pod("back").putLabels("app", "web").putLabels("tier", "back").build();
            PodSandboxConfig dbConfig = h.pod("db").putLabels("app", "db").build();
            String front = h.runPod(frontConfig);
            String back = h.runPod(backConfig);
            String db = h.runPod(dbConfig);
            h.stopPod(db);

            List<PodSandbox> all = h.pods();
            assertEquals(List.of(front, back, db), ids(all));
            PodSandbox first = all.get(0);
            assertEquals(frontConfig.getMetadata(), first.getMetadata());
            assertEquals(Map.of("app", "web", "tier", "front"), first.getLabelsMap());
            assertEquals(Map.of("owner", "team-a"), first.getAnnotationsMap());
            assertEquals(PodSandboxState.SANDBOX_READY, first.getState());
            assertEquals(h.podStatus(front, false).getStatus().getCreatedAt(), first.getCreatedAt());
            assertEquals(PodSandboxState.SANDBOX_NOTREADY, all.get(2).getState());

            assertPods(h, List.of(front), PodSandboxFilter.newBuilder().setId(front).build());
            assertPods(h, List.of(back), PodSandboxFilter.newBuilder().setId(uniquePrefix(back, front, db)).build());
            assertPods(h, List.of(), PodSandboxFilter.newBuilder().setId("f".repeat(64)).build());
            assertPods(h, List.of(front, back), state(PodSandboxState.SANDBOX_READY).build());
            assertPods(h, List.of(db), state(PodSandboxState.SANDBOX_NOTREADY).build());
            assertPods(h, List.of(front, back), PodSandboxFilter.newBuilder().putLabelSelector("app", "web").build());
            assertPods(h, List.of(back), PodSandboxFilter.newBuilder().putLabelSelector("app", "web")
                    .putLabelSelector("tier", "back").build());
            assertPods(h, List.of(), PodSandboxFilter.newBuilder().putLabelSelector("app", "cache").build());
            assertPods(h, List.of(), state(PodSandboxState.SANDBOX_NOTREADY).putLabelSelector("app", "web").build());
            assertPods(h, List.of(db), state(PodSandboxState.SANDBOX_NOTREADY).setId(db).build());
            assertPods(h, List.of(front, back, db), PodSandboxFilter.getDefaultInstance());
        }
    }

    @Test
    void containersAreListedByIdStatePodAndLabels() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig podA = h.pod("a").build();
            PodSandboxConfig podB = h.pod("b").build();
            String a = h.runPod(podA);
            String b = h.runPod(podB);
            String main = h.run(a, podA, h.container("main", podA, "sleep", "1000").putLabels("role", "main")
                    .putAnnotations("note", "x").build());
            String sidecar = h.run(a, podA, h.container("sidecar", podA, "sleep", "1000")
                    .putLabels("role", "sidecar").build());
            String waiting = h.create(b, podB, h.container("waiting", podB, "sleep", "1000")
                    .putLabels("role", "main").build());
            String done = h.run(b, podB, h.container("done", podB, "true").putLabels("role", "job").build());
            h.awaitState(done, ContainerState.CONTAINER_EXITED, Duration.ofSeconds(10));

            List<Container> all = h.containers(ContainerFilter.getDefaultInstance());
            assertEquals(List.of(main, sidecar, waiting, done), ids(all));
            Container first = all.get(0);
            assertEquals(a, first.getPodSandboxId());
            assertEquals("main", first.getMetadata().getName());
            assertEquals(busybox.reference(), first.getImage().getImage());
            assertEquals(busybox.imageId(), first.getImageId());
            assertEquals(busybox.digestReference(), first.getImageRef());
            assertEquals(Map.of("role", "main"), first.getLabelsMap());
            assertEquals(Map.of("note", "x"), first.getAnnotationsMap());
            assertEquals(ContainerState.CONTAINER_RUNNING, first.getState());
            assertEquals(h.status(main).getCreatedAt(), first.getCreatedAt());

            assertContainers(h, List.of(sidecar), ContainerFilter.newBuilder().setId(sidecar).build());
            assertContainers(h, List.of(waiting), ContainerFilter.newBuilder()
                    .setId(uniquePrefix(waiting, main, sidecar, done)).build());
            assertContainers(h, List.of(), ContainerFilter.newBuilder().setId("f".repeat(64)).build());
            assertContainers(h, List.of(main, sidecar), state(ContainerState.CONTAINER_RUNNING).build());
            assertContainers(h, List.of(waiting), state(ContainerState.CONTAINER_CREATED).build());
            assertContainers(h, List.of(done), state(ContainerState.CONTAINER_EXITED).build());
            assertContainers(h, List.of(main, sidecar), ContainerFilter.newBuilder().setPodSandboxId(a).build());
            assertContainers(h, List.of(waiting, done), ContainerFilter.newBuilder().setPodSandboxId(b).build());
            assertContainers(h, List.of(waiting, done), ContainerFilter.newBuilder()
                    .setPodSandboxId(uniquePrefix(b, a)).build());
            assertContainers(h, List.of(main, waiting), ContainerFilter.newBuilder()
                    .putLabelSelector("role", "main").build());
            assertContainers(h, List.of(waiting), ContainerFilter.newBuilder().setPodSandboxId(b)
                    .putLabelSelector("role", "main").build());
            assertContainers(h, List.of(), state(ContainerState.CONTAINER_RUNNING).setPodSandboxId(b).build());
            assertContainers(h, List.of(main), state(ContainerState.CONTAINER_RUNNING)
                    .putLabelSelector("role", "main").build());

            h.stopPod(a);
            assertContainers(h, List.of(), state(ContainerState.CONTAINER_RUNNING).build());
            assertContainers(h, List.of(main, sidecar, done), state(ContainerState.CONTAINER_EXITED).build());
            h.removePod(a);
            assertContainers(h, List.of(waiting, done), ContainerFilter.getDefaultInstance());
            assertContainers(h, List.of(), ContainerFilter.newBuilder().setPodSandboxId(a).build());
        }
    }

    private static void assertPods(PodHarness h, List<String> expected, PodSandboxFilter filter) {
        List<PodSandbox> listed = h.pods(filter);
        assertEquals(expected, ids(listed), "ListPodSandbox " + filter);
        assertEquals(listed, h.streamPods(filter), "StreamPodSandboxes " + filter);
    }

    private static void assertContainers(PodHarness h, List<String> expected, ContainerFilter filter) {
        List<Container> listed = h.containers(filter);
        assertEquals(expected, listed.stream().map(Container::getId).toList(), "ListContainers " + filter);
        assertEquals(listed, h.streamContainers(filter), "StreamContainers " + filter);
    }

    private static PodSandboxFilter.Builder state(PodSandboxState state) {
        return PodSandboxFilter.newBuilder().setState(PodSandboxStateValue.newBuilder().setState(state));
    }

    private static ContainerFilter.Builder state(ContainerState state) {
        return ContainerFilter.newBuilder().setState(ContainerStateValue.newBuilder().setState(state));
    }

    private static List<String> ids(List<?> items) {
        return items.stream().map(item -> item instanceof PodSandbox pod ? pod.getId() : ((Container) item).getId())
                .toList();
    }

    /** The shortest prefix (at least 4 characters) of {@code id} that none of the others start with. */
    static String uniquePrefix(String id, String... others) {
        for (int length = 4; length < id.length(); length++) {
            String prefix = id.substring(0, length);
            boolean unique = true;
            for (String other : others) {
                unique &= !other.startsWith(prefix);
            }
            if (unique) {
                assertTrue(prefix.length() < 64);
                return prefix;
            }
        }
        return id;
    }
}
