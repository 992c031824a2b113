package dev.cortado.runtime.image;

import dev.cortado.runtime.daemon.RpcFailures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.AuthConfig;
import dev.cortado.cri.v1.Image;
import dev.cortado.hack.image.LayerBuilder;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Registry settings from the daemon's TOML file: a docker.io mirror that short names resolve
 * through, and static credentials for a registry that demands them.
 */
@Timeout(300)
class RegistryConfigTest {

    private static LocalRegistry mirror;
    private static LocalRegistry locked;
    private static TestDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        mirror = LocalRegistry.start();
        locked = LocalRegistry.startWithBasicAuth("config-user", "config pass");
        daemon = TestDaemon.startWithConfig("""
                [registry.mirrors."docker.io"]
                endpoint = ["http://%s"]

                [registry.configs."%s".auth]
                username = "config-user"
                password = "config pass"
                """.formatted(mirror.hostPort(), locked.hostPort()));
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.closeAll(daemon, mirror, locked);
    }

    @Test
    void shortNameIsPulledThroughTheDockerHubMirror() throws Exception {
        TestImage busybox = TestImages.busybox(mirror, "library/busybox", "latest");

        assertEquals(busybox.imageId(), daemon.pull("busybox"));

        Image image = daemon.status("busybox").orElseThrow();
        assertEquals(List.of("docker.io/library/busybox:latest"), image.getRepoTagsList());
        assertEquals(List.of("docker.io/library/busybox@" + busybox.manifestDigest()), image.getRepoDigestsList());
        assertEquals(image, daemon.status("docker.io/library/busybox:latest").orElseThrow());
        assertEquals(image, daemon.status("library/busybox").orElseThrow());
        String log = Files.readString(mirror.logFile(), StandardCharsets.UTF_8);
        assertTrue(log.contains("\"GET /v2/library/busybox/manifests/latest HTTP/1.1\" 200"),
                "the manifest came from the mirror:\n" + mirror.logTail(20));
    }

    @Test
    void credentialsFromTheConfigFileAreUsedWhenThePullBringsNone() {
        TestImage image = TestImages.withLayers(locked, "configured/auth", "v1",
                new LayerBuilder().file("auth.txt", "needs the configured password\n", 0644));

        assertEquals(image.imageId(), daemon.pull(image.reference()));

        assertEquals(List.of(image.reference()), daemon.status(image.reference()).orElseThrow().getRepoTagsList());
    }

    @Test
    void credentialsOfThePullOverrideTheConfiguredOnes() {
        TestImage image = TestImages.withLayers(locked, "configured/override", "v1",
                new LayerBuilder().file("override.txt", "the pull's own credentials win\n", 0644));

        RpcFailures.assertFails(Status.Code.UNAUTHENTICATED, () -> daemon.pull(image.reference(),
                        AuthConfig.newBuilder().setUsername("config-user").setPassword("not the password").build()),
                "registry " + locked.hostPort(), "config-user");

        assertTrue(daemon.status(image.reference()).isEmpty());
    }
}
