package dev.cortado.runtime.image;

import dev.cortado.runtime.daemon.RpcFailures;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.hack.image.Compression;
import dev.cortado.hack.image.ImageBuilder;
import dev.cortado.hack.image.Layer;
import dev.cortado.hack.image.LayerBuilder;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import io.grpc.Status;
import java.nio.file.Files;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Layer downloads cut mid-blob by a proxy between the daemon and the registry (pulled through
 * it as the registry host): a cut that keeps happening ends the pull with a clear error and no
 * trace in the store; a single cut is resumed with a Range request and the pull succeeds; a pull
 * that shares a layer download with a failing one is not failed by it.
 */
@Timeout(300)
class InterruptedTransferTest {

    private static final int CUT_AFTER = 64 * 1024;
    private static final int FILE_BYTES = 2 << 20;

    private static LocalRegistry registry;
    private static TestDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start();
        daemon = TestDaemon.start();
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.closeAll(daemon, registry);
    }

    @Test
    void transferCutEveryTimeFailsAfterRetriesAndLeavesNoTrace() throws Exception {
        byte[] data = randomBytes(11);
        TestImage image = imageOf("cut/every", data);
        String layer = image.layerDigests().get(0);
        try (CuttingProxy proxy = CuttingProxy.cuttingEvery(registry.port(), CUT_AFTER)) {
            String reference = proxy.hostPort() + "/cut/every:v1";
            StoreGuard guard = StoreGuard.of(daemon);

            RpcFailures.assertFails(Status.Code.UNAVAILABLE, () -> daemon.pull(reference),
                    "blob " + layer, reference, "transfer failed");

            guard.assertUnchanged("after a pull whose layer never arrived whole");
            List<CuttingProxy.BlobRequest> requests = requestsFor(proxy, layer);
            assertTrue(requests.size() >= 2, "the download was retried: " + requests);
            for (int i = 0; i < requests.size(); i++) {
                assertEquals(i == 0 ? "" : "bytes=" + (long) i * CUT_AFTER + "-", requests.get(i).range(),
                        "try " + (i + 1) + " resumes where the last one broke: " + requests);
                assertTrue(requests.get(i).cut());
            }
            assertTrue(daemon.status(reference).isEmpty());
        }
    }

    @Test
    void transferCutOnceIsResumedAndThePullSucceeds() throws Exception {
        byte[] data = randomBytes(12);
        TestImage image = imageOf("cut/once", data);
        String layer = image.layerDigests().get(0);
        int registryGetsBefore = RegistryLog.settledBlobGets(registry, layer);
        try (CuttingProxy proxy = CuttingProxy.cuttingFirst(registry.port(), CUT_AFTER)) {
            String reference = proxy.hostPort() + "/cut/once:v1";

            assertEquals(image.imageId(), daemon.pull(reference));

            assertEquals(List.of(new CuttingProxy.BlobRequest("/v2/cut/once/blobs/" + layer, "", true),
                            new CuttingProxy.BlobRequest("/v2/cut/once/blobs/" + layer, "bytes=" + CUT_AFTER + "-", false)),
                    requestsFor(proxy, layer), "one cut, then one request for the rest");
            assertEquals(2, RegistryLog.settledBlobGets(registry, layer) - registryGetsBefore);
            StoreLayout store = new StoreLayout(daemon.root());
            assertArrayEquals(image.image().layers().get(0).bytes(), Files.readAllBytes(store.blob(layer)),
                    "the stored blob is whole");
            assertArrayEquals(data, Files.readAllBytes(store.snapshotFs(image.diffIds().get(0)).resolve("data.bin")));
            assertEquals(List.of(), store.ingest());
            assertEquals(List.of(reference), daemon.status(reference).orElseThrow().getRepoTagsList());
        }
    }

    /**
     * A pull through the cutting proxy is downloading a layer (and will fail) when a direct pull of
     * the same layer starts and joins that download: the direct pull must not inherit the other
     * pull's failure. The proxied pull needs about a second of backoffs to fail; the direct one
     * reaches its layer within milliseconds, so it joins the running download.
     */
    @Test
    void aPullThatJoinedAnotherPullsFailingDownloadFetchesTheLayerItself() throws Exception {
        TestImage image = imageOf("cut/joined", randomBytes(13));
        String layer = image.layerDigests().get(0);
        ExecutorService background = Executors.newSingleThreadExecutor(task -> new Thread(task, "e2e-proxied-pull"));
        try (CuttingProxy proxy = CuttingProxy.cuttingEvery(registry.port(), CUT_AFTER)) {
            String proxied = proxy.hostPort() + "/cut/joined:v1";
            Future<String> throughProxy = background.submit(() -> daemon.pull(proxied));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (requestsFor(proxy, layer).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(!requestsFor(proxy, layer).isEmpty(), "the proxied pull reached the layer");

            assertEquals(image.imageId(), daemon.pull(image.reference()), "the direct pull succeeds");

            ExecutionException proxiedFailure = assertThrows(ExecutionException.class,
                    () -> throughProxy.get(60, TimeUnit.SECONDS));
            assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(proxiedFailure.getCause()).getCode());
            assertEquals(List.of(image.reference()), daemon.status(image.imageId()).orElseThrow().getRepoTagsList());
        } finally {
            background.shutdownNow();
            background.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** A one-layer image holding {@code data} as data.bin, pushed as {@code repository:v1}. */
    private static TestImage imageOf(String repository, byte[] data) {
        Layer layer = new LayerBuilder().file("data.bin", data, 0644).build(Compression.GZIP);
        assertTrue(layer.size() > 8L * CUT_AFTER, "the layer outlasts several cuts");
        return TestImages.push(registry, repository, "v1", ImageBuilder.oci().layer(layer, "COPY data.bin /").build());
    }

    private static List<CuttingProxy.BlobRequest> requestsFor(CuttingProxy proxy, String digest) {
        return proxy.blobRequests().stream().filter(request -> request.path().endsWith("/blobs/" + digest)).toList();
    }

    private static byte[] randomBytes(long seed) {
        byte[] data = new byte[FILE_BYTES];
        new Random(seed).nextBytes(data);
        return data;
    }
}
