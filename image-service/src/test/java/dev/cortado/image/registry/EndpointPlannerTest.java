package dev.cortado.image.registry;

import dev.cortado.image.reference.ImageReference;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointPlannerTest {

    private static List<String> plan(RegistryConfig config, String ref) {
        return new EndpointPlanner(config).plan(ImageReference.parse(ref), Credentials.anonymous())
                .stream().map(Endpoint::toString).toList();
    }

    @Test
    void dockerHubIsHttpsOnItsApiHost() {
        assertEquals(List.of("https://registry-1.docker.io/v2"), plan(RegistryConfig.defaults(), "busybox"));
    }

    @Test
    void loopbackIsPlainHttp() {
        assertEquals(List.of("http://127.0.0.1:5000/v2"), plan(RegistryConfig.defaults(), "127.0.0.1:5000/x"));
        assertEquals(List.of("http://localhost:5000/v2"), plan(RegistryConfig.defaults(), "localhost:5000/x"));
        assertEquals(List.of("http://[::1]:5000/v2"), plan(RegistryConfig.defaults(), "[::1]:5000/x"));
        assertEquals(List.of("http://127.1.2.3/v2"), plan(RegistryConfig.defaults(), "127.1.2.3/x"));
        assertEquals(List.of("https://127.example.com/v2"), plan(RegistryConfig.defaults(), "127.example.com/x"));
    }

    @Test
    void insecureHostTriesHttpsThenHttp() {
        RegistryConfig config = RegistryConfig.defaults().withHost("reg.lan:5000", HostSettings.DEFAULT.withInsecure(true));
        List<Endpoint> endpoints = new EndpointPlanner(config).plan(ImageReference.parse("reg.lan:5000/x"),
                Credentials.anonymous());
        assertEquals(List.of("https://reg.lan:5000/v2", "http://reg.lan:5000/v2"),
                endpoints.stream().map(Endpoint::toString).toList());
        assertTrue(endpoints.get(0).skipTlsVerify());
    }

    @Test
    void mirrorsComeFirstWithV2AppendedToTheirPath() {
        RegistryConfig config = RegistryConfig.defaults().withHost("docker.io", HostSettings.DEFAULT.withMirrors(List.of(
                URI.create("http://127.0.0.1:5001"), URI.create("https://mirror.example/prefix/"),
                URI.create("https://other.example/v2"))));
        assertEquals(List.of("http://127.0.0.1:5001/v2", "https://mirror.example/prefix/v2", "https://other.example/v2",
                "https://registry-1.docker.io/v2"), plan(config, "index.docker.io/library/busybox"));
    }

    @Test
    void pullCredentialsGoToTheRegistryAndMirrorsUseTheirOwn() {
        Credentials mirrorCredentials = Credentials.basic("m", "p");
        RegistryConfig config = RegistryConfig.defaults()
                .withHost("docker.io", HostSettings.DEFAULT.withMirrors(List.of(URI.create("https://mirror.example"))))
                .withHost("mirror.example", HostSettings.DEFAULT.withCredentials(mirrorCredentials));
        Credentials pull = Credentials.basic("u", "p");
        List<Endpoint> endpoints = new EndpointPlanner(config).plan(ImageReference.parse("busybox"), pull);
        assertSame(mirrorCredentials, endpoints.get(0).credentials());
        assertSame(pull, endpoints.get(1).credentials());
    }

    @Test
    void mirrorUrisAreValidated() {
        assertThrows(IllegalArgumentException.class,
                () -> HostSettings.DEFAULT.withMirrors(List.of(URI.create("ftp://mirror.example"))));
        assertThrows(IllegalArgumentException.class,
                () -> HostSettings.DEFAULT.withMirrors(List.of(URI.create("https://user:pw@mirror.example"))));
    }

    @Test
    void originsCompareSchemeHostAndPort() {
        URI registry = URI.create("https://reg.example/v2");
        assertTrue(Endpoint.sameOrigin(registry, URI.create("https://REG.example:443/v2/x/blobs/y")));
        assertFalse(Endpoint.sameOrigin(registry, URI.create("https://reg.example:8443/v2")));
        assertFalse(Endpoint.sameOrigin(registry, URI.create("http://reg.example/v2")));
        assertFalse(Endpoint.sameOrigin(registry, URI.create("https://storage.example/blob")));
    }
}
