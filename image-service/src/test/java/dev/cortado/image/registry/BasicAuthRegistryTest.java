package dev.cortado.image.registry;

import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.image.reference.ImageReference;
import dev.cortado.image.registry.RegistryException.Kind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docker-registry behind htpasswd: Basic credentials from the pull or from the host settings. */
class BasicAuthRegistryTest {

    private static LocalRegistry registry;
    private static TestImage image;
    private static RegistryClient client;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.startWithBasicAuth("alice", "s3cret:with:colons");
        image = TestImage.create(50_000, 2);
        image.pushTo(registry, "private/app", "v1");
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

    private ImageReference ref() {
        return ImageReference.parse(registry.hostPort() + "/private/app:v1");
    }

    @Test
    void rightCredentialsPull() throws Exception {
        String auth = Base64.getEncoder().encodeToString("alice:s3cret:with:colons".getBytes(StandardCharsets.UTF_8));
        RegistrySession session = client.session(ref(), Credentials.fromAuth(auth));
        assertEquals(image.manifestDigest(), session.fetchManifest().digest());
        try (InputStream layer = session.openBlob(image.layerDigest(), image.layer().length)) {
            assertArrayEquals(image.layer(), layer.readAllBytes());
        }
    }

    @Test
    void wrongPasswordIsUnauthorizedNamingTheRegistry() {
        RegistryException e = assertThrows(RegistryException.class,
                () -> client.session(ref(), Credentials.basic("alice", "wrong")).fetchManifest());
        assertEquals(Kind.UNAUTHORIZED, e.kind());
        assertTrue(e.getMessage().contains("registry " + registry.hostPort()), e.getMessage());
        assertTrue(e.getMessage().contains("user \"alice\""), e.getMessage());
        assertFalse(e.getMessage().contains("wrong"), "the password must not appear: " + e.getMessage());
    }

    @Test
    void missingCredentialsAreUnauthorized() {
        RegistryException e = assertThrows(RegistryException.class,
                () -> client.session(ref(), Credentials.anonymous()).fetchManifest());
        assertEquals(Kind.UNAUTHORIZED, e.kind());
        assertTrue(e.getMessage().contains("requires credentials"), e.getMessage());
    }

    @Test
    void staticCredentialsFromHostSettingsAreUsedWhenThePullHasNone() throws Exception {
        RegistryConfig config = RegistryConfig.defaults().withHost(registry.hostPort(),
                HostSettings.DEFAULT.withCredentials(Credentials.basic("alice", "s3cret:with:colons")));
        try (RegistryClient configured = new RegistryClient(config)) {
            assertEquals(image.manifestDigest(), configured.session(ref(), Credentials.anonymous()).fetchManifest().digest());
            RegistryException e = assertThrows(RegistryException.class,
                    () -> configured.session(ref(), Credentials.basic("alice", "nope")).fetchManifest());
            assertEquals(Kind.UNAUTHORIZED, e.kind(), "the pull's own credentials win over the static ones");
        }
    }
}
