package dev.cortado.image.registry;

import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.image.reference.ImageReference;
import dev.cortado.image.registry.RegistryException.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mirror order with a real docker-registry as the serving mirror. The registry named by the
 * references is a dead loopback port, so nothing here ever leaves the machine.
 */
class MirrorTest {

    private static LocalRegistry mirror;
    private static TestImage image;
    private static String deadRegistry;
    private static int deadMirrorPort;

    @BeforeAll
    static void start() throws Exception {
        mirror = LocalRegistry.start();
        image = TestImage.create(100_000, 9);
        image.pushTo(mirror, "library/busybox", "latest");
        deadRegistry = "127.0.0.1:" + TlsDockerRegistry.freePort();
        deadMirrorPort = TlsDockerRegistry.freePort();
    }

    @AfterAll
    static void stop() {
        if (mirror != null) {
            mirror.close();
        }
    }

    private static RegistryClient clientWithMirrors(List<URI> mirrors) {
        return new RegistryClient(RegistryConfig.defaults().withHost(deadRegistry,
                HostSettings.DEFAULT.withMirrors(mirrors)));
    }

    private static ImageReference busybox() {
        return ImageReference.parse(deadRegistry + "/library/busybox");
    }

    @Test
    void downAndNotFoundMirrorsArePassedAndThePathIsKept() throws Exception {
        try (FakeRegistry empty = new FakeRegistry()) {
            empty.on("/v2/", exchange -> FakeRegistry.json(exchange, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}"));
            List<URI> mirrors = List.of(URI.create("http://127.0.0.1:" + deadMirrorPort), empty.base(),
                    URI.create("http://" + mirror.hostPort() + "/"));
            try (RegistryClient client = clientWithMirrors(mirrors)) {
                RegistrySession session = client.session(busybox(), Credentials.anonymous());
                FetchedManifest manifest = session.fetchManifest();
                assertArrayEquals(image.manifest(), manifest.body());
                assertEquals(mirror.baseUri().resolve("/v2/library/busybox/manifests/latest"), manifest.source());
                assertEquals(List.of("/v2/library/busybox/manifests/latest"),
                        empty.seen().stream().map(FakeRegistry.Seen::path).toList());

                // Blobs go to the mirror that served the manifest first: the empty one sees nothing more.
                try (InputStream layer = session.openBlob(image.layerDigest(), image.layer().length)) {
                    assertArrayEquals(image.layer(), layer.readAllBytes());
                }
                assertEquals(1, empty.seen().size());
            }
        }
    }

    @Test
    void mirrorPathPrefixIsHonoured() throws Exception {
        try (FakeRegistry prefixed = new FakeRegistry()) {
            prefixed.on("/cache/v2/", exchange -> FakeRegistry.respond(exchange, 200, image.manifest(),
                    Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json")));
            try (RegistryClient client = clientWithMirrors(List.of(URI.create(prefixed.base() + "/cache")))) {
                FetchedManifest manifest = client.session(busybox(), Credentials.anonymous()).fetchManifest();
                assertEquals(image.manifestDigest(), manifest.digest());
                assertEquals("/cache/v2/library/busybox/manifests/latest", prefixed.seen().get(0).path());
            }
        }
    }

    @Test
    void pullCredentialsAreNotSentToMirrors() throws Exception {
        try (FakeRegistry challenging = new FakeRegistry()) {
            challenging.on("/v2/", exchange -> {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"mirror\"");
                FakeRegistry.json(exchange, 401, "{}");
            });
            RegistryConfig config = RegistryConfig.defaults().withHost(mirror.hostPort(),
                    HostSettings.DEFAULT.withMirrors(List.of(challenging.base())));
            try (RegistryClient client = new RegistryClient(config)) {
                ImageReference ref = ImageReference.parse(mirror.hostPort() + "/library/busybox:latest");
                FetchedManifest manifest = client.session(ref, Credentials.basic("bob", "pw")).fetchManifest();
                assertEquals(image.manifestDigest(), manifest.digest());
                assertEquals(1, challenging.seen().size());
                assertNull(challenging.seen().get(0).authorization());
            }
        }
    }

    @Test
    void everythingDownIsUnreachableListingEachEndpoint() throws IOException {
        try (RegistryClient client = clientWithMirrors(List.of(URI.create("http://127.0.0.1:" + deadMirrorPort)))) {
            long start = System.nanoTime();
            RegistryException e = assertThrows(RegistryException.class,
                    () -> client.session(busybox(), Credentials.anonymous()).fetchManifest());
            assertEquals(Kind.UNREACHABLE, e.kind());
            assertTrue(e.getMessage().contains("http://127.0.0.1:" + deadMirrorPort + "/v2"), e.getMessage());
            assertTrue(e.getMessage().contains("http://" + deadRegistry + "/v2"), e.getMessage());
            assertTrue(System.nanoTime() - start < 3_000_000_000L, "refused connections fail fast");
        }
    }

    @Test
    void registryNotFoundIsFinalEvenAfterMirrorFailures() throws Exception {
        try (RegistryClient client = new RegistryClient(RegistryConfig.defaults().withHost(mirror.hostPort(),
                HostSettings.DEFAULT.withMirrors(List.of(URI.create("http://127.0.0.1:" + deadMirrorPort)))))) {
            RegistryException e = assertThrows(RegistryException.class, () -> client
                    .session(ImageReference.parse(mirror.hostPort() + "/library/busybox:nope"), Credentials.anonymous())
                    .fetchManifest());
            assertEquals(Kind.NOT_FOUND, e.kind());
        }
    }
}
