package dev.cortado.runtime.image;

import dev.cortado.runtime.daemon.RpcFailures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.AuthConfig;
import dev.cortado.hack.image.LayerBuilder;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pulls from registries that demand credentials, given in the PullImage request's AuthConfig as
 * the kubelet passes image pull secrets: HTTP Basic and Docker token auth. Each test uses its
 * own repository, so a success in one cannot make another pass.
 */
@Timeout(300)
class RegistryAuthTest {

    private static final String USER = "puller";
    private static final String PASSWORD = "c0rrect horse";

    private static LocalRegistry basic;
    private static LocalRegistry token;
    private static TestDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        basic = LocalRegistry.startWithBasicAuth(USER, PASSWORD);
        token = LocalRegistry.startWithTokenAuth(USER, PASSWORD);
        daemon = TestDaemon.start();
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.closeAll(daemon, basic, token);
    }

    @Test
    void basicAuthWithUsernameAndPassword() {
        TestImage image = image(basic, "basic/userpass");

        String id = daemon.pull(image.reference(), AuthConfig.newBuilder().setUsername(USER).setPassword(PASSWORD).build());

        assertEquals(image.imageId(), id);
        assertEquals(List.of(image.reference()), daemon.status(image.reference()).orElseThrow().getRepoTagsList());
    }

    @Test
    void basicAuthWithTheEncodedAuthField() {
        TestImage image = image(basic, "basic/authfield");
        String encoded = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));

        String id = daemon.pull(image.reference(), AuthConfig.newBuilder().setAuth(encoded).build());

        assertEquals(image.imageId(), id);
    }

    @Test
    void wrongPasswordIsUnauthenticatedNamingTheRegistryAndChangesNothing() throws Exception {
        TestImage image = image(basic, "basic/wrong");
        TreeListing before = TreeListing.ofStore(daemon.root());

        RpcFailures.assertFails(Status.Code.UNAUTHENTICATED,
                () -> daemon.pull(image.reference(), AuthConfig.newBuilder().setUsername(USER).setPassword("wrong").build()),
                "registry " + basic.hostPort(), "refused", "\"" + USER + "\"");

        TreeListing.ofStore(daemon.root()).assertUnchangedSince(before, "after a refused pull");
        assertTrue(daemon.status(image.reference()).isEmpty());
    }

    @Test
    void anonymousPullFromAnAuthenticatedRegistryIsUnauthenticated() {
        TestImage image = image(basic, "basic/anonymous");

        String message = RpcFailures.assertFails(Status.Code.UNAUTHENTICATED, () -> daemon.pull(image.reference()),
                basic.hostPort(), "requires credentials");

        assertFalse(message.contains(PASSWORD));
    }

    @Test
    void tokenAuthGetsATokenWithTheCredentials() {
        TestImage image = image(token, "token/busybox");
        int tokenRequestsBefore = token.tokenRequests();

        String id = daemon.pull(image.reference(), AuthConfig.newBuilder().setUsername(USER).setPassword(PASSWORD).build());

        assertEquals(image.imageId(), id);
        assertTrue(token.tokenRequests() > tokenRequestsBefore, "the daemon asked the token server for a token");
        assertTrue(token.tokensIssued() > 0);
        assertEquals(List.of(image.reference()), daemon.status(image.reference()).orElseThrow().getRepoTagsList());
    }

    @Test
    void tokenAuthWithAWrongPasswordIsUnauthenticated() throws Exception {
        TestImage image = image(token, "token/wrong");
        TreeListing before = TreeListing.ofStore(daemon.root());

        RpcFailures.assertFails(Status.Code.UNAUTHENTICATED,
                () -> daemon.pull(image.reference(), AuthConfig.newBuilder().setUsername(USER).setPassword("nope").build()),
                "registry " + token.hostPort());

        TreeListing.ofStore(daemon.root()).assertUnchangedSince(before, "after a refused token request");
    }

    /** An image of its own in {@code repository}: the base layer plus a file naming the repository. */
    private static TestImage image(LocalRegistry registry, String repository) {
        return TestImages.withLayers(registry, repository, "v1",
                new LayerBuilder().file("repository.txt", repository + "\n", 0644));
    }
}
