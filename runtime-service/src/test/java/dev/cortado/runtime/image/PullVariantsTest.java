package dev.cortado.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.cri.v1.Image;
import dev.cortado.hack.image.BusyboxRootfs;
import dev.cortado.hack.image.Compression;
import dev.cortado.hack.image.ImageBuilder;
import dev.cortado.hack.image.LayerBuilder;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.image.TestIndex;
import dev.cortado.hack.registry.LocalRegistry;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ways an image can be named and shaped: multi-platform indexes (OCI and Docker), a user in
 * the config, a pull by digest. One registry and one daemon; every test pulls images no other
 * test pulls, so they do not depend on each other's order.
 */
@Timeout(300)
class PullVariantsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalRegistry registry;
    private static TestDaemon daemon;
    private static StoreLayout store;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start();
        daemon = TestDaemon.start();
        store = new StoreLayout(daemon.root());
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.closeAll(daemon, registry);
    }

    /**
     * Both index kinds list the same two images (the builder writes identical configs for both
     * formats), so one test pulls both, in a fixed order: the second pull must resolve to the
     * same amd64 image and add its names to it.
     */
    @Test
    void ociIndexAndDockerListBothResolveToTheAmd64Image() throws Exception {
        TestIndex oci = TestImages.multiArch(registry);
        TestImage amd64 = oci.forArchitecture("amd64");
        TestImage arm64 = oci.forArchitecture("arm64");
        assertNotEquals(amd64.imageId(), arm64.imageId());

        String id = daemon.pull(oci.reference());

        assertEquals(amd64.imageId(), id, "the amd64 manifest of the index is the one pulled");
        Image image = daemon.status(oci.reference()).orElseThrow();
        assertEquals(List.of(oci.reference()), image.getRepoTagsList());
        assertEquals(List.of(registry.hostPort() + "/multiarch@" + oci.digest()), image.getRepoDigestsList(),
                "the repo digest names what was asked for: the index");
        JsonNode info = JSON.readTree(daemon.verboseStatus(oci.reference()).getInfoOrThrow("info"));
        assertEquals(oci.digest(), info.get("indexDigest").asText());
        assertEquals(amd64.manifestDigest(), info.get("manifestDigest").asText());
        assertEquals("amd64", info.at("/config/architecture").asText());
        assertEquals("amd64", info.at("/config/config/Labels/dev.cortado.arch").asText());
        String top = StoreLayout.chainIds(amd64.diffIds()).get(1);
        assertEquals("amd64\n", Files.readString(store.snapshotFs(top).resolve("etc/arch")));
        assertFalse(Files.exists(store.snapshotRecord(StoreLayout.chainIds(arm64.diffIds()).get(1))),
                "nothing of the arm64 image is unpacked");
        assertFalse(Files.exists(store.blob(arm64.configDigest())), "nor its config stored");

        TestIndex docker = TestImages.multiArchDockerList(registry);
        assertEquals(amd64.imageId(), docker.forArchitecture("amd64").imageId());

        assertEquals(amd64.imageId(), daemon.pull(docker.reference()));

        Image merged = daemon.status(docker.reference()).orElseThrow();
        assertEquals(id, merged.getId());
        assertEquals(List.of(oci.reference(), docker.reference()), merged.getRepoTagsList());
        assertEquals(List.of(registry.hostPort() + "/multiarch@" + oci.digest(),
                registry.hostPort() + "/multiarch-docker@" + docker.digest()), merged.getRepoDigestsList());
        assertTrue(Files.isRegularFile(store.blob(docker.digest())), "the Docker list is kept for its name");
    }

    @Test
    void namedUserIsReportedAsUsername() {
        TestImage withUser = TestImages.withUser(registry);

        assertEquals(withUser.imageId(), daemon.pull(withUser.reference()));

        Image image = daemon.status(withUser.reference()).orElseThrow();
        assertEquals("app", image.getUsername());
        assertFalse(image.hasUid(), "a user name is not a uid");
    }

    @Test
    void numericUserIsReportedAsUid() {
        TestImage numeric = TestImages.push(registry, "numeric-user", "v1", ImageBuilder.oci()
                .user("1234:5678")
                .layer(new LayerBuilder().file("uid.txt", "runs as 1234\n", 0644).build(Compression.GZIP))
                .build());

        assertEquals(numeric.imageId(), daemon.pull(numeric.reference()));

        Image image = daemon.status(numeric.reference()).orElseThrow();
        assertTrue(image.hasUid());
        assertEquals(1234, image.getUid().getValue(), "the uid part of user:group");
        assertEquals("", image.getUsername());
    }

    @Test
    void pullByDigestNamesTheImageByDigestOnly() throws Exception {
        TestImage image = TestImages.withLayers(registry, "bydigest", "v1",
                new LayerBuilder().file("digest.txt", "pulled by digest\n", 0644));

        assertEquals(image.imageId(), daemon.pull(image.digestReference()));

        Image byDigest = daemon.status(image.digestReference()).orElseThrow();
        assertEquals(image.imageId(), byDigest.getId());
        assertEquals(List.of(), byDigest.getRepoTagsList(), "no tag was pulled");
        assertEquals(List.of(image.digestReference()), byDigest.getRepoDigestsList());
        assertTrue(daemon.status(image.reference()).isEmpty(), "the tag names nothing until it is pulled");
        String top = StoreLayout.chainIds(image.diffIds()).get(1);
        assertEquals("pulled by digest\n", Files.readString(store.snapshotFs(top).resolve("digest.txt")));

        assertEquals(image.imageId(), daemon.pull(image.reference()));
        Image tagged = daemon.status(image.reference()).orElseThrow();
        assertEquals(List.of(image.reference()), tagged.getRepoTagsList());
        assertEquals(List.of(image.digestReference()), tagged.getRepoDigestsList(), "one manifest, one digest name");
        assertTrue(Files.size(store.blob(image.layerDigests().get(0))) > 0);
        assertEquals(Files.size(BusyboxRootfs.BUSYBOX),
                Files.size(store.snapshotFs(StoreLayout.chainIds(image.diffIds()).get(0)).resolve("bin/busybox")));
    }
}
