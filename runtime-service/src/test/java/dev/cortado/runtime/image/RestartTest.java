package dev.cortado.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.Image;
import dev.cortado.hack.image.Compression;
import dev.cortado.hack.image.ImageBuilder;
import dev.cortado.hack.image.LayerBuilder;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
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
 * The image store across a crash: a daemon killed with SIGKILL and started again on the same
 * root keeps every complete image, and a pull killed midway leaves nothing once the new daemon
 * has started. Each test has its own daemon; the registry is shared.
 */
@Timeout(300)
class RestartTest {

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
    void imagesSurviveAKilledDaemon() throws Exception {
        TestImage busybox = TestImages.busybox(registry, "restart/busybox", "v1");
        TestImage layered = TestImages.layered(registry, "restart/layered", "v1");
        daemon.pull(busybox.reference());
        daemon.pull(layered.reference());
        List<Image> before = daemon.list();
        String verboseBefore = daemon.verboseStatus(layered.reference()).getInfoOrThrow("info");
        TreeListing storeBefore = TreeListing.ofStore(daemon.root());
        int layerGets = RegistryLog.settledBlobGets(registry, layered.layerDigests().get(2));

        daemon.killAndRestart();

        assertEquals(before, daemon.list(), "the same images with the same names");
        assertEquals(verboseBefore, daemon.verboseStatus(layered.reference()).getInfoOrThrow("info"),
                "the same layers in the same snapshot directories");
        TreeListing.ofStore(daemon.root()).assertUnchangedSince(storeBefore, "after a restart");
        assertEquals(layered.imageId(), daemon.pull(layered.reference()));
        assertEquals(layerGets, RegistryLog.settledBlobGets(registry, layered.layerDigests().get(2)),
                "nothing is downloaded again");
        daemon.remove(busybox.reference());
        assertEquals(List.of(layered.imageId()), daemon.list().stream().map(Image::getId).toList());
    }

    @Test
    void aPullKilledMidwayLeavesNothingAfterTheRestart() throws Exception {
        TestImage kept = TestImages.busybox(registry, "restart/kept", "v1");
        daemon.pull(kept.reference());
        byte[] data = new byte[4 << 20];
        new Random(21).nextBytes(data);
        TestImage stalled = TestImages.push(registry, "restart/stalled", "v1", ImageBuilder.oci()
                .layer(new LayerBuilder().file("data.bin", data, 0644).build(Compression.GZIP)).build());
        StoreLayout store = new StoreLayout(daemon.root());
        TreeListing before = TreeListing.ofStore(daemon.root());
        ExecutorService background = Executors.newSingleThreadExecutor(task -> new Thread(task, "e2e-stalled-pull"));
        try (CuttingProxy proxy = CuttingProxy.stallingEvery(registry.port(), 256 * 1024)) {
            Future<String> pull = background.submit(() -> daemon.pull(proxy.hostPort() + "/restart/stalled:v1"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((store.ingest().isEmpty() || store.snapshotDirs().size() < 2) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertFalse(store.ingest().isEmpty(), "the layer download has begun: " + store.ingest());
            assertFalse(TreeListing.ofStore(daemon.root()).differencesFrom(before).isEmpty(),
                    "the pull has left partial state to clean up");

            daemon.killAndRestart();

            assertThrows(ExecutionException.class, () -> pull.get(60, TimeUnit.SECONDS), "the killed pull failed");
            TreeListing.ofStore(daemon.root()).assertUnchangedSince(before, "after a restart that followed a killed pull");
            assertEquals(List.of(kept.imageId()), daemon.list().stream().map(Image::getId).toList());
            assertTrue(daemon.status(stalled.imageId()).isEmpty());
        } finally {
            background.shutdownNow();
            background.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
