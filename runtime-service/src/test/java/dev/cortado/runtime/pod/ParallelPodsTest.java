package dev.cortado.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.Container;
import dev.cortado.cri.v1.ContainerFilter;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.PodSandbox;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxState;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Twenty pods, each with a running container, created and then removed from twenty threads at once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class ParallelPodsTest {

    private static final int PODS = 20;

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

    /** One pod's ids, as its thread made them. */
    private record Made(String pod, String container) {
    }

    @Test
    void twentyPodsRunAndGoAwayInParallel() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            AtomicInteger threads = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(PODS,
                    task -> new Thread(task, "parallel-pod-" + threads.incrementAndGet()));
            try {
                List<Callable<Made>> creations = new ArrayList<>();
                for (int i = 0; i < PODS; i++) {
                    String name = "parallel-" + i;
                    creations.add(() -> {
                        PodSandboxConfig pod = h.pod(name).build();
                        String podId = h.runPod(pod);
                        String container = h.run(podId, pod, h.container("main", pod, "sleep", "1000").build());
                        return new Made(podId, container);
                    });
                }
                long started = System.nanoTime();
                List<Made> made = all(pool.invokeAll(creations));
                long createdMillis = (System.nanoTime() - started) / 1_000_000;

                Set<String> podIds = new HashSet<>();
                Set<String> containerIds = new HashSet<>();
                made.forEach(m -> {
                    podIds.add(m.pod());
                    containerIds.add(m.container());
                });
                assertEquals(PODS, podIds.size());
                assertEquals(PODS, containerIds.size());
                List<PodSandbox> pods = h.pods();
                assertEquals(podIds, new HashSet<>(pods.stream().map(PodSandbox::getId).toList()));
                assertTrue(pods.stream().allMatch(p -> p.getState() == PodSandboxState.SANDBOX_READY), pods.toString());
                List<Container> containers = h.containers(ContainerFilter.getDefaultInstance());
                assertEquals(containerIds, new HashSet<>(containers.stream().map(Container::getId).toList()));
                assertTrue(containers.stream().allMatch(c -> c.getState() == ContainerState.CONTAINER_RUNNING),
                        containers.toString());
                Set<String> netns = new HashSet<>();
                for (Made m : made) {
                    long pid = h.pid(m.container());
                    assertTrue(HostView.alive(pid), "container " + m.container() + " pid " + pid);
                    netns.add(HostView.namespaceOf(pid, "net"));
                }
                assertEquals(PODS, netns.size(), "pods share network namespaces: " + netns);

                List<Callable<Made>> removals = new ArrayList<>();
                for (Made m : made) {
                    removals.add(() -> {
                        h.stopPod(m.pod());
                        h.removePod(m.pod());
                        return m;
                    });
                }
                started = System.nanoTime();
                all(pool.invokeAll(removals));
                long removedMillis = (System.nanoTime() - started) / 1_000_000;
                System.out.println(PODS + " pods with a running container: created and started in " + createdMillis
                        + " ms, stopped and removed in " + removedMillis + " ms");

                assertEquals(List.of(), h.pods());
                assertEquals(List.of(), h.containers(ContainerFilter.getDefaultInstance()));
                h.assertNothingLeft();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static <T> List<T> all(List<Future<T>> futures) throws Exception {
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get());
        }
        return results;
    }
}
