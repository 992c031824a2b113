package dev.cortado.image.registry;

import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.image.content.Digest;
import dev.cortado.image.manifest.ImageManifest;
import dev.cortado.image.manifest.ManifestParser;
import dev.cortado.image.manifest.MediaTypes;
import dev.cortado.image.reference.ImageReference;
import dev.cortado.image.registry.RegistryException.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client against Debian's docker-registry on 127.0.0.1: plain HTTP, no authentication. */
class DockerRegistryTest {

    private static LocalRegistry registry;
    private static TestImage image;
    private static RegistryClient client;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start();
        image = TestImage.create(300_000, 1);
        image.pushTo(registry, "team/app", "1.0");
        client = new RegistryClient(RegistryConfig.defaults());
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private RegistrySession session(String repositoryAndTag) {
        return client.session(ImageReference.parse(registry.hostPort() + "/" + repositoryAndTag), Credentials.anonymous());
    }

    @Test
    void fetchesManifestByTag() throws Exception {
        FetchedManifest manifest = session("team/app:1.0").fetchManifest();
        assertArrayEquals(image.manifest(), manifest.body());
        assertEquals(MediaTypes.OCI_MANIFEST, manifest.mediaType());
        assertEquals(image.manifestDigest(), manifest.digest());
        assertEquals(registry.baseUri().resolve("/v2/team/app/manifests/1.0"), manifest.source());
        ImageManifest parsed = (ImageManifest) ManifestParser.parse(manifest.body(), manifest.mediaType());
        assertEquals(image.layerDigest(), parsed.layers().get(0).digest());
    }

    @Test
    void fetchesManifestByDigest() throws Exception {
        RegistrySession session = session("team/app@" + image.manifestDigest());
        FetchedManifest manifest = session.fetchManifest();
        assertArrayEquals(image.manifest(), manifest.body());
        assertEquals(image.manifestDigest(), manifest.digest());
        assertEquals(image.manifestDigest(), session.fetchManifest(image.manifestDigest().toString()).digest());
    }

    @Test
    void fetchesConfigAndStreamsLayer() throws Exception {
        RegistrySession session = session("team/app:1.0");
        session.fetchManifest();
        byte[] config = session.fetchBlobBytes(image.configDigest(), image.config().length,
                RegistryConfig.DEFAULT_MAX_CONFIG_BYTES);
        assertArrayEquals(image.config(), config);
        try (InputStream layer = session.openBlob(image.layerDigest(), image.layer().length)) {
            assertArrayEquals(image.layer(), layer.readAllBytes());
        }
        try (InputStream tail = session.openBlob(image.layerDigest(), image.layer().length, 1000)) {
            byte[] rest = tail.readAllBytes();
            assertEquals(image.layer().length - 1000, rest.length);
            assertEquals(image.layer()[1000], rest[0]);
        }
    }

    @Test
    void oneSessionServesParallelDownloads() throws Exception {
        RegistrySession session = session("team/app:1.0");
        session.fetchManifest();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<byte[]>> downloads = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                downloads.add(pool.submit(() -> {
                    try (InputStream layer = session.openBlob(image.layerDigest(), image.layer().length)) {
                        return layer.readAllBytes();
                    }
                }));
            }
            for (java.util.concurrent.Future<byte[]> download : downloads) {
                assertArrayEquals(image.layer(), download.get(30, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void configLargerThanCapIsRefusedBeforeDownload() {
        RegistryException e = assertThrows(RegistryException.class, () -> session("team/app:1.0")
                .fetchBlobBytes(image.layerDigest(), image.layer().length, 1000));
        assertEquals(Kind.TOO_LARGE, e.kind());
    }

    @Test
    void unknownTagRepositoryAndBlobAreNotFound() {
        RegistryException tag = assertThrows(RegistryException.class, () -> session("team/app:nope").fetchManifest());
        assertEquals(Kind.NOT_FOUND, tag.kind());
        assertEquals("image \"" + registry.hostPort() + "/team/app:nope\" not found", tag.getMessage());
        RegistryException repo = assertThrows(RegistryException.class, () -> session("nope").fetchManifest());
        assertEquals(Kind.NOT_FOUND, repo.kind());
        assertEquals("image \"" + registry.hostPort() + "/nope:latest\" not found", repo.getMessage());
        Digest missing = Digest.sha256Of(new byte[] {42});
        RegistryException blob = assertThrows(RegistryException.class,
                () -> session("team/app:1.0").openBlob(missing, 1));
        assertEquals(Kind.NOT_FOUND, blob.kind());
        assertTrue(blob.getMessage().contains(missing.toString()), blob.getMessage());
    }

    @Test
    void blobWithWrongDeclaredSizeIsAMismatch() {
        RegistryException e = assertThrows(RegistryException.class, () -> session("team/app:1.0")
                .fetchBlobBytes(image.configDigest(), image.config().length - 1, 1 << 20));
        assertEquals(Kind.DIGEST_MISMATCH, e.kind());
    }

    @Test
    void unreachableRegistryFailsQuicklyNamingTheEndpoint() throws Exception {
        int dead = TlsDockerRegistry.freePort();
        long start = System.nanoTime();
        RegistryException e = assertThrows(RegistryException.class, () -> client
                .session(ImageReference.parse("127.0.0.1:" + dead + "/x"), Credentials.anonymous()).fetchManifest());
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(Kind.UNREACHABLE, e.kind());
        assertTrue(e.getMessage().contains("http://127.0.0.1:" + dead + "/v2"), e.getMessage());
        assertTrue(e.getMessage().contains("ConnectException: Connection refused"), e.getMessage());
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "took " + took);
    }
}
