package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ContainerStats;
import dev.cortado.cri.v1.ContainerStatsFilter;
import dev.cortado.cri.v1.ContainerStatsRequest;
import dev.cortado.cri.v1.ListContainerStatsRequest;
import dev.cortado.cri.v1.PodSandboxStatsRequest;
import dev.cortado.cri.v1.StreamContainerStatsRequest;
import dev.cortado.cri.v1.StreamContainerStatsResponse;
import dev.cortado.runtime.daemon.RpcFailures;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Container stats read from the real cgroups and writable layers of running containers. */
class ContainerStatsTest extends BusyboxDaemonTest {

    /** The daemon walks writable layers this often, so a test sees a write within a second or two. */
    static final List<String> FAST_LAYER_WALK = List.of("-Dcortado.stats.writableLayerIntervalMillis=300");
    private static final Duration WAIT = Duration.ofSeconds(30);

    ContainerStatsTest() {
        super("ctr-stats", FAST_LAYER_WALK);
    }

    private ContainerStats stats(String id) {
        return harness.runtime().containerStats(ContainerStatsRequest.newBuilder().setContainerId(id).build())
                .getStats();
    }

    @Test
    void aCpuBurnerUsesMoreCpuBetweenCallsAndHasARate() throws Exception {
        PodFixture.Pod pod = pods.startPod("burn");
        String id = pods.run(pod, "burner", busybox.reference(), "sh", "-c", "while :; do :; done");
        ContainerStats first = stats(id);
        Thread.sleep(1500);
        ContainerStats second = stats(id);
        System.out.println(second);
        assertEquals(id, second.getAttributes().getId());
        assertEquals("burner", second.getAttributes().getMetadata().getName());
        assertTrue(second.getCpu().getTimestamp() > first.getCpu().getTimestamp());
        assertTrue(second.getCpu().getUsageCoreNanoSeconds().getValue()
                > first.getCpu().getUsageCoreNanoSeconds().getValue(), "cumulative CPU time must rise");
        assertTrue(second.getCpu().hasUsageNanoCores(), "a second reading has a rate");
        // a busy loop on a shared 2-core machine still gets well over 1% of a core
        assertTrue(second.getCpu().getUsageNanoCores().getValue() > 10_000_000L,
                "rate " + second.getCpu().getUsageNanoCores().getValue());
        if (java.nio.file.Files.isDirectory(java.nio.file.Path.of("/sys/fs/cgroup/unified"))) {
            // every cgroup of a unified tree has pressure files
            assertTrue(second.getCpu().hasPsi() && second.getCpu().getPsi().hasSome(), second.getCpu().toString());
            assertTrue(second.getMemory().hasPsi(), second.getMemory().toString());
            assertTrue(second.hasIo() && second.getIo().hasPsi(), second.toString());
        }
    }

    @Test
    void allocatingMemoryRaisesTheWorkingSet() {
        PodFixture.Pod pod = pods.startPod("mem");
        // the loop keeps the shell (and its 50 MB variable) alive: sh would exec a last plain command
        String id = pods.run(pod, "hog", busybox.reference(), "sh", "-c",
                "x=$(head -c 50000000 /dev/zero | tr '\\000' x); touch /tmp/full; while :; do sleep 1; done");
        long before = stats(id).getMemory().getWorkingSetBytes().getValue();
        PodFixture.await(() -> pods.exec(id, 10, "test", "-e", "/tmp/full").getExitCode() == 0, WAIT,
                () -> "the shell did not fill its variable");
        ContainerStats after = stats(id);
        System.out.println(after.getMemory());
        long workingSet = after.getMemory().getWorkingSetBytes().getValue();
        assertTrue(workingSet >= 45_000_000L, "working set " + workingSet + " (before " + before + ")");
        assertTrue(after.getMemory().getUsageBytes().getValue() >= workingSet, "usage includes the working set");
        assertTrue(after.getMemory().getRssBytes().getValue() >= 40_000_000L, "rss " + after.getMemory());
        assertTrue(after.getMemory().getPageFaults().getValue() > 0);
        assertTrue(after.getMemory().getTimestamp() > 0);
        assertFalse(after.getMemory().hasAvailableBytes(), "no limit, no available bytes");
    }

    @Test
    void theWritableLayerGrowsAfterAWrite() {
        PodFixture.Pod pod = pods.startPod("layer");
        String id = pods.run(pod, "writer", busybox.reference(), "sleep", "1000");
        PodFixture.await(() -> stats(id).hasWritableLayer(), WAIT, () -> "no writable layer usage");
        ContainerStats before = stats(id);
        pods.sh(id, "mkdir -p /data/sub && head -c 5000000 /dev/zero > /data/sub/big && touch /data/a /data/b");
        long[] last = new long[2];
        PodFixture.await(() -> {
            ContainerStats now = stats(id);
            last[0] = now.getWritableLayer().getUsedBytes().getValue();
            last[1] = now.getWritableLayer().getInodesUsed().getValue();
            return last[0] >= before.getWritableLayer().getUsedBytes().getValue() + 5_000_000L
                    && last[1] >= before.getWritableLayer().getInodesUsed().getValue() + 5;
        }, WAIT, () -> "writable layer stayed at " + last[0] + " bytes, " + last[1] + " inodes (before: "
                + before.getWritableLayer() + ")");
        ContainerStats after = stats(id);
        assertFalse(after.getWritableLayer().getFsId().getMountpoint().isEmpty());
        assertTrue(after.getWritableLayer().getTimestamp() > before.getWritableLayer().getTimestamp());
    }

    @Test
    void listAndStreamFilterByIdPodAndLabels() {
        PodFixture.Pod a = pods.startPod("list-a");
        PodFixture.Pod b = pods.startPod("list-b");
        String a1 = pods.run(a, PodFixture.container("one", busybox.reference(), "sleep", "1000")
                .putLabels("tier", "web").build());
        String a2 = pods.run(a, PodFixture.container("two", busybox.reference(), "sleep", "1000")
                .putLabels("tier", "db").build());
        String b1 = pods.run(b, PodFixture.container("three", busybox.reference(), "sleep", "1000")
                .putLabels("tier", "web").build());

        assertEquals(Set.of(a1, a2, b1), listed(ContainerStatsFilter.getDefaultInstance()));
        assertEquals(Set.of(a1, a2), listed(ContainerStatsFilter.newBuilder().setPodSandboxId(a.id()).build()));
        assertEquals(Set.of(a1, b1), listed(ContainerStatsFilter.newBuilder().putLabelSelector("tier", "web")
                .build()));
        assertEquals(Set.of(b1), listed(ContainerStatsFilter.newBuilder().putLabelSelector("tier", "web")
                .setPodSandboxId(b.id()).build()));
        assertEquals(Set.of(a2), listed(ContainerStatsFilter.newBuilder().setId(a2.substring(0, 16)).build()));
        assertEquals(Set.of(), listed(ContainerStatsFilter.newBuilder().putLabelSelector("tier", "cache").build()));

        List<ContainerStats> streamed = new ArrayList<>();
        Iterator<StreamContainerStatsResponse> pages = harness.runtime().streamContainerStats(
                StreamContainerStatsRequest.newBuilder().setFilter(ContainerStatsFilter.newBuilder()
                        .setPodSandboxId(a.id())).build());
        pages.forEachRemaining(page -> streamed.addAll(page.getContainerStatsList()));
        assertEquals(Set.of(a1, a2), streamed.stream().map(s -> s.getAttributes().getId()).collect(Collectors.toSet()));
        assertTrue(streamed.stream().allMatch(s -> s.getCpu().hasUsageCoreNanoSeconds()));
    }

    private Set<String> listed(ContainerStatsFilter filter) {
        return harness.runtime().listContainerStats(ListContainerStatsRequest.newBuilder().setFilter(filter).build())
                .getStatsList().stream().map(s -> s.getAttributes().getId()).collect(Collectors.toSet());
    }

    @Test
    void aRemovedContainerLeavesTheListsAndIsNotFound() {
        PodFixture.Pod pod = pods.startPod("gone");
        String kept = pods.run(pod, "kept", busybox.reference(), "sleep", "1000");
        String removed = pods.run(pod, "removed", busybox.reference(), "sleep", "1000");
        ContainerStatsFilter inPod = ContainerStatsFilter.newBuilder().setPodSandboxId(pod.id()).build();
        assertEquals(Set.of(kept, removed), listed(inPod));
        pods.stop(removed, 0);
        pods.remove(removed);
        assertEquals(Set.of(kept), listed(inPod));
        RpcFailures.assertFails(Status.Code.NOT_FOUND, () -> stats(removed), removed);
    }

    @Test
    void statsOfAMissingContainerOrPodAreNotFound() {
        RpcFailures.assertFails(Status.Code.NOT_FOUND, () -> stats("0123456789abcdef0123"), "0123456789abcdef0123");
        RpcFailures.assertFails(Status.Code.NOT_FOUND, () -> harness.runtime().podSandboxStats(
                PodSandboxStatsRequest.newBuilder().setPodSandboxId("fedcba9876543210fedc").build()),
                "fedcba9876543210fedc");
    }
}
