package dev.cortado.hack.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.hack.registry.RegistryException;
import dev.cortado.hack.registry.RegistryOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BrokenTestImagesTest {
    private static LocalRegistry registry;

    @BeforeAll
    static void startRegistry() {
        registry = LocalRegistry.start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void mismatchedDiffIdsAreStoredAsWritten() throws IOException {
        TestImage image = BrokenTestImages.mismatchedDiffIds(registry);
        assertNotEquals(image.image().layers().get(0).diffId(), image.diffIds().get(0));
        byte[] config = new RegistryReader(registry.client()).blob(image.repository(), image.configDigest());
        assertTrue(new String(config, StandardCharsets.UTF_8).contains(image.diffIds().get(0)));
    }

    @Test
    void corruptedLayerIsServedWithWrongBytesOfTheSameSize() {
        TestImage image = BrokenTestImages.corruptedLayer(registry);
        String digest = image.layerDigests().get(0);
        byte[] served = new RegistryReader(registry.client()).blob(image.repository(), digest);
        assertEquals(image.image().layers().get(0).size(), served.length);
        assertNotEquals(digest, Digests.sha256(served));
        TestImage untouched = TestImages.busybox(registry, "broken/neighbour", "latest");
        assertEquals(untouched.layerDigests().get(0),
                Digests.sha256(new RegistryReader(registry.client()).blob("broken/neighbour", untouched.layerDigests().get(0))));
    }

    @Test
    void blobDataFileCanBeOverwrittenDirectly() throws IOException {
        TestImage image = TestImages.busybox(registry, "broken/overwrite", "latest");
        Files.writeString(registry.blobDataFile(image.configDigest()), "{}");
        byte[] served = registry.client().get("/v2/broken/overwrite/blobs/" + image.configDigest()).body();
        assertEquals("{}", new String(served, StandardCharsets.UTF_8));
    }

    @Test
    void missingLayerAnswers404() {
        TestImage image = BrokenTestImages.missingLayer(registry);
        assertEquals(200, registry.client().get("/v2/broken/missing/manifests/latest", MediaTypes.OCI_MANIFEST).statusCode());
        assertEquals(404, registry.client().get("/v2/broken/missing/blobs/" + image.layerDigests().get(0)).statusCode());
    }

    @Test
    void twentyMegabyteConfigIsAccepted() {
        TestImage image = BrokenTestImages.oversizedConfig(registry, 20 * 1024 * 1024);
        assertTrue(image.image().config().size() > 20L * 1024 * 1024);
        byte[] served = new RegistryReader(registry.client()).blob(image.repository(), image.configDigest());
        assertEquals(image.configDigest(), Digests.sha256(served));
    }

    @Test
    void nonJsonConfigIsAccepted() {
        TestImage image = BrokenTestImages.nonJsonConfig(registry);
        byte[] served = new RegistryReader(registry.client()).blob(image.repository(), image.configDigest());
        assertEquals("this is not JSON {", new String(served, StandardCharsets.UTF_8));
    }

    @Test
    void registryRefusesNonJsonManifests() {
        RegistryPusher pusher = RegistryPusher.to(registry);
        for (String mediaType : new String[] {MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST, "application/octet-stream"}) {
            RegistryException refused = assertThrows(RegistryException.class, () -> pusher.pushManifest(
                    "broken/nonjson", "latest", mediaType, "not json at all".getBytes(StandardCharsets.UTF_8)));
            assertEquals(400, refused.status());
            assertTrue(refused.body().contains("MANIFEST_INVALID"), refused.body());
        }
    }

    @Test
    void registryRefusesUnsignedSchema1() {
        String schema1 = "{\"schemaVersion\":1,\"name\":\"broken/schema1\",\"tag\":\"latest\",\"architecture\":\"amd64\","
                + "\"fsLayers\":[],\"history\":[]}";
        RegistryException refused = assertThrows(RegistryException.class, () -> RegistryPusher.to(registry).pushManifest(
                "broken/schema1", "latest", MediaTypes.DOCKER_SCHEMA1_SIGNED, schema1.getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, refused.status());
        assertTrue(refused.body().contains("MANIFEST_INVALID"), refused.body());
    }

    @Test
    void defaultRegistryRefusesSignedSchema1() {
        RegistryException refused = assertThrows(RegistryException.class, () -> BrokenTestImages.schema1(registry));
        assertEquals(500, refused.status());
        assertTrue(registry.logTail(20).contains("manifest schema v1 unsupported"));
    }

    @Test
    void schema1RegistryStoresSignedSchema1() {
        try (LocalRegistry schema1Registry = LocalRegistry.start(RegistryOptions.plain().withSchema1(true))) {
            Schema1Builder.Schema1Manifest manifest;
            try {
                manifest = BrokenTestImages.schema1(schema1Registry);
            } catch (RegistryException e) {
                throw new AssertionError(e.getMessage() + "\nregistry log:\n" + schema1Registry.logTail(5), e);
            }
            verifySchema1(schema1Registry, manifest);
        }
    }

    private static void verifySchema1(LocalRegistry registry, Schema1Builder.Schema1Manifest manifest) {
        var response = registry.client().get("/v2/broken/schema1/manifests/latest", MediaTypes.DOCKER_SCHEMA1_SIGNED);
        assertEquals(200, response.statusCode());
        assertEquals(manifest.payloadDigest(), response.headers().firstValue("Docker-Content-Digest").orElse(""));
        assertTrue(new String(response.body(), StandardCharsets.UTF_8).contains("\"signatures\""));
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith(
                "application/vnd.docker.distribution.manifest.v1"), response.headers().toString());
    }

    @Test
    void registryRefusesManifestsNamingUnknownBlobs() {
        Layer neverPushed = new LayerBuilder().file("never-pushed", "x", 0644).build(Compression.GZIP);
        BuiltImage image = ImageBuilder.oci().layer(neverPushed).build();
        RegistryPusher pusher = RegistryPusher.to(registry);
        pusher.pushBlob("broken/unknownblob", image.config());
        RegistryException refused = assertThrows(RegistryException.class, () -> pusher.pushManifest(
                "broken/unknownblob", "latest", image.manifestMediaType(), image.manifest().bytes()));
        assertEquals(400, refused.status());
        assertTrue(refused.body().contains("MANIFEST_BLOB_UNKNOWN"), refused.body());
    }

    @Test
    void pusherSkipsBlobsAlreadyPresent() {
        RegistryPusher pusher = RegistryPusher.to(registry);
        BuiltImage image = TestImages.base(ImageBuilder.oci()).layer(BusyboxRootfs.layer(Compression.GZIP)).build();
        pusher.push("broken/skip", "one", image);
        assertEquals(2, pusher.blobsUploaded());
        pusher.push("broken/skip", "two", image);
        assertEquals(2, pusher.blobsUploaded());
        assertEquals(2, pusher.blobsSkipped());
    }
}
