package dev.cortado.image.registry;

import dev.cortado.image.reference.ImageReference;
import dev.cortado.image.registry.RegistryException.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS with a self-signed certificate: refused when verified against the system CAs, accepted
 * when the host is marked insecure or its CA is in the client's bundle. The HTTPS registry is
 * reached as a mirror, since a loopback registry name alone means plain HTTP.
 */
class TlsRegistryTest {

    private static TlsDockerRegistry registry;
    private static TestImage image;
    private static String deadRegistry;

    @BeforeAll
    static void start() throws Exception {
        registry = TlsDockerRegistry.start();
        image = TestImage.create(20_000, 11);
        image.pushTo(registry, "secure/app", "1");
        deadRegistry = "127.0.0.1:" + TlsDockerRegistry.freePort();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private static RegistryConfig config(boolean insecure) {
        return RegistryConfig.defaults().withHost(deadRegistry, HostSettings.DEFAULT.withInsecure(insecure)
                .withMirrors(List.of(URI.create("https://" + registry.host()))));
    }

    private static FetchedManifest pull(RegistryClient client) throws Exception {
        return client.session(ImageReference.parse(deadRegistry + "/secure/app:1"), Credentials.anonymous()).fetchManifest();
    }

    @Test
    void untrustedCertificateIsRefused() {
        try (RegistryClient client = new RegistryClient(config(false))) {
            RegistryException e = assertThrows(RegistryException.class, () -> pull(client));
            assertEquals(Kind.UNREACHABLE, e.kind());
            assertTrue(e.getMessage().contains("https://" + registry.host() + "/v2 (SSLHandshakeException"), e.getMessage());
        }
    }

    @Test
    void insecureHostSkipsVerification() throws Exception {
        try (RegistryClient client = new RegistryClient(config(true))) {
            assertEquals(image.manifestDigest(), pull(client).digest());
        }
    }

    @Test
    void caBundleMakesTheCertificateTrusted() throws Exception {
        try (RegistryClient client = new RegistryClient(config(false), registry.certificate())) {
            assertEquals(image.manifestDigest(), pull(client).digest());
        }
    }
}
