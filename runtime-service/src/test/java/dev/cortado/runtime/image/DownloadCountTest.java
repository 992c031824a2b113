package dev.cortado.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.hack.image.Compression;
import dev.cortado.hack.image.ImageBuilder;
import dev.cortado.hack.image.Layer;
import dev.cortado.hack.image.LayerBuilder;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How often the registry is asked for each blob, read from its access log: concurrent pulls
 * share one download per layer, and layers already in the store are never fetched again. Each
 * test has a fresh daemon (an empty store) and counts requests made during the test only.
 */
@Timeout(300)
class DownloadCountTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Incompressible, so a layer takes long enough to fetch that concurrent pulls overlap. */
    private static final int BIG_FILE_BYTES = 8 << 20;

    private static LocalRegistry registry;
    private TestDaemon daemon;

    @BeforeAll
    static void startRegistry() {
        registry = LocalRegistry.start();
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        Cleanup.closeAll(registry);
    }

    @BeforeEach
    void startDaemon() throws Exception {
        daemon = TestDaemon.start();
    }

    @AfterEach
    void stopDaemon() throws Exception {
        Cleanup.closeAll(daemon);
    }

    @Test
    void twoConcurrentPullsOfOneImageDownloadEachLayerOnce() throws Exception {
        TestImage image = TestImages.withLayers(registry, "concurrent/same", "v1", bigLayer("same", 1));
        BlobCounts counts = BlobCounts.before(image.layerDigests());

        List<String> ids = pullAtOnce(List.of(image.reference(), image.reference()));

        assertEquals(List.of(image.imageId(), image.imageId()), ids);
        assertOverlapped(2);
        counts.assertEachFetched(1);
        assertEquals(List.of(image.reference()), daemon.status(image.reference()).orElseThrow().getRepoTagsList());
        assertEquals(2, new StoreLayout(daemon.root()).snapshotDirs().size(), "one snapshot per layer");
    }

    @Test
    void threeImagesSharingALayerPulledAtOnceShareItsDownloadAndSnapshot() throws Exception {
        List<TestImage> images = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            images.add(TestImages.withLayers(registry, "shared/" + name, "v1", bigLayer(name, name.charAt(0))));
        }
        List<String> layers = new ArrayList<>();
        images.forEach(image -> image.layerDigests().forEach(digest -> {
            if (!layers.contains(digest)) {
                layers.add(digest);
            }
        }));
        assertEquals(4, layers.size(), "one shared base layer and one layer of each image's own");
        BlobCounts counts = BlobCounts.before(layers);

        List<String> ids = pullAtOnce(images.stream().map(TestImage::reference).toList());

        assertEquals(images.stream().map(TestImage::imageId).toList(), ids);
        assertOverlapped(3);
        counts.assertEachFetched(1);
        List<String> baseSnapshots = new ArrayList<>();
        for (TestImage image : images) {
            JsonNode info = JSON.readTree(daemon.verboseStatus(image.reference()).getInfoOrThrow("info"));
            baseSnapshots.add(info.at("/layers/0/snapshot").asText());
        }
        assertEquals(1, baseSnapshots.stream().distinct().count(), "one snapshot of the shared layer: " + baseSnapshots);
        assertEquals(4, new StoreLayout(daemon.root()).snapshotDirs().size());
    }

    @Test
    void layersAlreadyInTheStoreAreNotDownloadedAgain() throws Exception {
        TestImage busybox = TestImages.busybox(registry, "reuse/busybox", "v1");
        TestImage layered = TestImages.layered(registry, "reuse/layered", "v1");
        TestImage sameImageOtherName = TestImages.busybox(registry, "reuse/busybox-copy", "v1");
        List<String> blobs = new ArrayList<>(layered.layerDigests());
        blobs.add(busybox.configDigest());
        BlobCounts counts = BlobCounts.before(blobs);

        daemon.pull(busybox.reference());
        daemon.pull(layered.reference());
        daemon.pull(sameImageOtherName.reference());

        counts.assertEachFetched(1);
        assertEquals(List.of(busybox.reference(), sameImageOtherName.reference()),
                daemon.status(busybox.imageId()).orElseThrow().getRepoTagsList());
    }

    @Test
    void aBlobInTheStoreIsUnpackedFromThereWhenItsSnapshotCannotBeReused() throws Exception {
        Layer own = bigLayer("moved", 7).build(Compression.GZIP);
        TestImage alone = TestImages.push(registry, "reuse/alone", "v1",
                ImageBuilder.oci().layer(own, "COPY data").build());
        TestImage stacked = TestImages.withLayers(registry, "reuse/stacked", "v1", bigLayer("moved", 7));
        assertEquals(own.digest(), stacked.layerDigests().get(1), "the same blob, over another base");
        BlobCounts counts = BlobCounts.before(List.of(own.digest()));

        daemon.pull(alone.reference());
        daemon.pull(stacked.reference());

        counts.assertEachFetched(1);
        assertEquals(3, new StoreLayout(daemon.root()).snapshotDirs().size(),
                "the blob is unpacked twice: alone, and over the base");
    }

    /** Pulls every reference at the same moment, each on its own thread; the ids in order. */
    private List<String> pullAtOnce(List<String> references) throws Exception {
        ExecutorService pullers = Executors.newFixedThreadPool(references.size(), task -> new Thread(task, "e2e-puller"));
        try {
            CyclicBarrier start = new CyclicBarrier(references.size());
            List<Future<String>> pulls = new ArrayList<>();
            for (String reference : references) {
                pulls.add(pullers.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return daemon.pull(reference);
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> pull : pulls) {
                ids.add(pull.get(120, TimeUnit.SECONDS));
            }
            return ids;
        } finally {
            pullers.shutdownNow();
            pullers.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** The daemon's log shows every pull started before any finished: they really ran at once. */
    private void assertOverlapped(int pulls) {
        List<String> events = daemon.log().lines()
                .filter(line -> line.contains("pull started:") || line.contains("pull finished:")).toList();
        assertEquals(2 * pulls, events.size(), String.join("\n", events));
        for (int i = 0; i < pulls; i++) {
            assertTrue(events.get(i).contains("pull started:"), "pulls overlapped:\n" + String.join("\n", events));
        }
    }

    /** A layer of one incompressible file whose bytes depend on {@code seed} only. */
    private static LayerBuilder bigLayer(String name, long seed) {
        byte[] data = new byte[BIG_FILE_BYTES];
        new Random(seed).nextBytes(data);
        return new LayerBuilder().dir("data", 0755).file("data/" + name + ".bin", data, 0644);
    }

    /** GET counts of some blobs when the test began, to compare with the counts after. */
    private record BlobCounts(Map<String, Integer> before) {

        static BlobCounts before(List<String> digests) throws Exception {
            Map<String, Integer> counts = new HashMap<>();
            for (String digest : digests) {
                counts.put(digest, RegistryLog.settledBlobGets(registry, digest));
            }
            return new BlobCounts(counts);
        }

        void assertEachFetched(int times) throws Exception {
            for (Map.Entry<String, Integer> entry : before.entrySet()) {
                int now = RegistryLog.settledBlobGets(registry, entry.getKey());
                assertEquals(times, now - entry.getValue(), "GETs of blob " + entry.getKey() + " during the test\n"
                        + registry.logTail(30));
            }
        }
    }
}
