package dev.cortado.runtime.image;

import dev.cortado.runtime.daemon.RpcFailures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ImageStatusRequest;
import dev.cortado.cri.v1.RemoveImageRequest;
import dev.cortado.hack.image.BrokenTestImages;
import dev.cortado.hack.image.BuiltImage;
import dev.cortado.hack.image.BuiltIndex;
import dev.cortado.hack.image.BusyboxRootfs;
import dev.cortado.hack.image.Compression;
import dev.cortado.hack.image.ImageBuilder;
import dev.cortado.hack.image.IndexBuilder;
import dev.cortado.hack.image.LayerBuilder;
import dev.cortado.hack.image.ManifestFormat;
import dev.cortado.hack.image.Platform;
import dev.cortado.hack.image.RegistryPusher;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Pulls that must fail: each with the gRPC code that says what kind of failure it is, a message
 * naming what was wrong, and the store exactly as it was. The daemon already holds busybox, so
 * "as it was" includes a shared base layer that a failed pull must not take away.
 */
@Timeout(300)
class PullFailureTest {

    private static LocalRegistry registry;
    private static TestDaemon daemon;
    private static TestImage busybox;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start();
        daemon = TestDaemon.start();
        busybox = TestImages.busybox(registry);
        daemon.pull(busybox.reference());
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.closeAll(daemon, registry);
    }

    @Test
    void unknownRepositoryIsNotFound() throws Exception {
        String reference = registry.hostPort() + "/no/such-repo:latest";
        refused(Status.Code.NOT_FOUND, reference, "\"" + reference + "\"", "not found");
    }

    @Test
    void unknownTagIsNotFound() throws Exception {
        String reference = registry.hostPort() + "/busybox:no-such-tag";
        refused(Status.Code.NOT_FOUND, reference, "\"" + reference + "\"", "not found");
    }

    @Test
    void missingLayerBlobIsNotFound() throws Exception {
        TestImage missing = BrokenTestImages.missingLayer(registry);
        refused(Status.Code.NOT_FOUND, missing.reference(), missing.layerDigests().get(0));
    }

    @Test
    void unreachableRegistryIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String reference = "127.0.0.1:" + closedPort + "/busybox:latest";
        refused(Status.Code.UNAVAILABLE, reference, "127.0.0.1:" + closedPort, "busybox");
    }

    @Test
    void corruptedLayerIsDataLoss() throws Exception {
        TestImage corrupt = BrokenTestImages.corruptedLayer(registry);
        refused(Status.Code.DATA_LOSS, corrupt.reference(), corrupt.layerDigests().get(0));
    }

    @Test
    void diffIdsThatDoNotMatchTheLayerAreDataLoss() throws Exception {
        TestImage mismatched = BrokenTestImages.mismatchedDiffIds(registry);
        refused(Status.Code.DATA_LOSS, mismatched.reference(), mismatched.layerDigests().get(0),
                mismatched.diffIds().get(0), "diff_id");
    }

    @Test
    void indexWithoutAnAmd64ImageIsNotFoundNamingThePlatform() throws Exception {
        BuiltImage arm = ImageBuilder.oci().platform(Platform.LINUX_ARM64_V8)
                .layer(new LayerBuilder().file("arch", "arm64\n", 0644).build(Compression.GZIP))
                .build();
        BuiltIndex index = new IndexBuilder(ManifestFormat.OCI).add(arm).build();
        RegistryPusher.to(registry).push("arm-only", "latest", index);
        String reference = registry.hostPort() + "/arm-only:latest";

        refused(Status.Code.NOT_FOUND, reference, "linux/amd64", "linux/arm64/v8", reference);
    }

    @Test
    void configThatIsNotJsonIsRefused() throws Exception {
        TestImage bad = BrokenTestImages.nonJsonConfig(registry);
        refused(Status.Code.FAILED_PRECONDITION, bad.reference(), "config", "not valid JSON", bad.reference());
    }

    @Test
    void configOverTheSizeCapIsRefused() throws Exception {
        TestImage big = BrokenTestImages.oversizedConfig(registry, 9 << 20);
        refused(Status.Code.FAILED_PRECONDITION, big.reference(), big.configDigest(), "limit");
    }

    @Test
    void emptyAndMalformedNamesAreInvalidArguments() throws Exception {
        StoreGuard guard = StoreGuard.of(daemon);

        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> daemon.pull(""), "image");
        assertEquals("invalid image reference \"UPPER/Case\": repository name must be lowercase",
                RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> daemon.pull("UPPER/Case")));
        assertEquals("invalid image reference \"a@sha256:zz\": malformed sha256 digest \"zz\"",
                RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> daemon.pull("a@sha256:zz")));
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> daemon.images().imageStatus(
                ImageStatusRequest.newBuilder().setImage(TestDaemon.spec("")).build()), "image");
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> daemon.images().removeImage(
                RemoveImageRequest.newBuilder().setImage(TestDaemon.spec(" ")).build()), "image");

        guard.assertUnchanged("after invalid names");
        assertBusyboxIntact();
    }

    /** Pulls {@code reference}, expecting failure with {@code code}, and checks nothing changed. */
    private static void refused(Status.Code code, String reference, String... mentions) throws Exception {
        StoreGuard guard = StoreGuard.of(daemon);
        Executable pull = () -> daemon.pull(reference);

        RpcFailures.assertFails(code, pull, mentions);

        guard.assertUnchanged("after the failed pull of " + reference);
        assertTrue(daemon.status(reference).isEmpty(), reference + " is not in the store");
        assertBusyboxIntact();
    }

    private static void assertBusyboxIntact() throws Exception {
        assertEquals(List.of(busybox.imageId()), daemon.list().stream().map(image -> image.getId()).toList());
        StoreLayout store = new StoreLayout(daemon.root());
        assertEquals(BusyboxRootfs.PASSWD, Files.readString(
                store.snapshotFs(busybox.diffIds().get(0)).resolve("etc/passwd")));
    }
}
