package dev.cortado.image.registry;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CredentialsAndConfigTest {

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesDockerAuthSplittingAtTheFirstColon() {
        Credentials credentials = Credentials.fromAuth(b64("user:pa:ss"));
        assertEquals("user", credentials.username());
        assertEquals("pa:ss", credentials.password());
        assertThrows(IllegalArgumentException.class, () -> Credentials.fromAuth(b64("nocolon")));
        assertThrows(IllegalArgumentException.class, () -> Credentials.fromAuth("***"));
        assertThrows(IllegalArgumentException.class, () -> Credentials.fromAuth(""));
    }

    @Test
    void emptyFieldsAreAnonymousAndSecretsStayHidden() {
        assertTrue(new Credentials("", "", "", "").isAnonymous());
        Credentials credentials = Credentials.basic("bob", "hunter2");
        assertFalse(credentials.toString().contains("hunter2"));
        assertEquals("Basic " + b64("bob:hunter2"), credentials.basicAuthorization());
        assertNotEquals(credentials.fingerprint(), Credentials.basic("bob", "other").fingerprint());
        assertEquals("anonymous", Credentials.anonymous().fingerprint());
    }

    @Test
    void defaultsAreDocumentedValues() {
        RegistryConfig config = RegistryConfig.defaults();
        assertEquals(4L << 20, config.maxManifestBytes());
        assertEquals(8L << 20, config.maxConfigBytes());
        assertTrue(config.maxAttempts() >= 2);
        assertSame(HostSettings.DEFAULT, config.hostSettings("example.com"));
    }

    @Test
    void dockerHubSettingsAnswerToEveryAlias() {
        HostSettings hub = HostSettings.DEFAULT.withInsecure(true);
        RegistryConfig config = RegistryConfig.defaults().withHost("docker.io", hub);
        assertSame(hub, config.hostSettings("docker.io"));
        assertSame(hub, config.hostSettings("index.docker.io"));
        assertSame(hub, config.hostSettings("registry-1.docker.io"));
    }

    @Test
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> RegistryConfig.defaults().withMaxAttempts(0));
        assertThrows(IllegalArgumentException.class,
                () -> RegistryConfig.defaults().withTimeouts(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> RegistryConfig.defaults().withSizeCaps(0, 1));
    }

    @Test
    void backoffGrowsAndStaysWithinItsCap() {
        RetryPolicy policy = new RetryPolicy(RegistryConfig.defaults()
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(1000)));
        for (int i = 0; i < 20; i++) {
            long first = policy.backoff(1).toMillis();
            long fifth = policy.backoff(5).toMillis();
            assertTrue(first >= 50 && first <= 100, "first " + first);
            assertTrue(fifth >= 500 && fifth <= 1000, "fifth " + fifth);
        }
    }
}
