package dev.cortado.image.registry;

import com.sun.net.httpserver.HttpExchange;
import dev.cortado.image.content.Digest;
import dev.cortado.image.manifest.MediaTypes;
import dev.cortado.image.reference.ImageReference;
import dev.cortado.image.registry.RegistryException.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token flow against an in-test registry that challenges with Bearer and runs its own token service. */
class BearerAuthTest {

    private static final byte[] MANIFEST = TestImage.create(10, 3).manifest();
    private static final String SERVICE = "fake registry, with comma";

    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokenCount = new AtomicInteger();
    private FakeRegistry server;
    private RegistryClient client;

    @BeforeEach
    void start() throws IOException {
        server = new FakeRegistry();
        server.on("/token", this::token).on("/v2/", this::registry);
        client = new RegistryClient(RegistryConfig.defaults().withBackoff(Duration.ofMillis(10), Duration.ofMillis(50)));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private void token(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        boolean basicOk = ("Basic " + Base64.getEncoder().encodeToString("alice:pw".getBytes(StandardCharsets.UTF_8)))
                .equals(authorization);
        boolean anonymous = authorization == null && exchange.getRequestMethod().equals("GET");
        boolean refreshOk = exchange.getRequestMethod().equals("POST")
                && form(server.seen("/token").get(server.seen("/token").size() - 1).body()).get("refresh_token").equals("idt");
        if (!basicOk && !anonymous && !refreshOk) {
            FakeRegistry.json(exchange, 401, "{\"details\":\"incorrect username or password\"}");
            return;
        }
        String token = "tok-" + tokenCount.incrementAndGet();
        issued.add(token);
        String field = refreshOk ? "access_token" : "token";
        FakeRegistry.json(exchange, 200, "{\"" + field + "\":\"" + token + "\",\"expires_in\":300}");
    }

    private void registry(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        boolean ok = authorization != null && authorization.startsWith("Bearer ")
                && (issued.contains(authorization.substring(7)) || authorization.equals("Bearer direct-token"));
        if (!ok) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"" + server.base() + "/token\",service=\""
                    + SERVICE + "\",scope=\"repository:team/app:pull\"");
            FakeRegistry.json(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
            return;
        }
        if (exchange.getRequestURI().getPath().equals("/v2/team/app/manifests/1")) {
            FakeRegistry.respond(exchange, 200, MANIFEST, Map.of("Content-Type", MediaTypes.OCI_MANIFEST));
        } else {
            FakeRegistry.json(exchange, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}");
        }
    }

    private static Map<String, String> form(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            values.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return values;
    }

    private RegistrySession session(Credentials credentials) {
        return client.session(ImageReference.parse(server.host() + "/team/app:1"), credentials);
    }

    @Test
    void getsATokenForThePullScopeAndReusesIt() throws Exception {
        FetchedManifest first = session(Credentials.basic("alice", "pw")).fetchManifest();
        assertArrayEquals(MANIFEST, first.body());
        List<FakeRegistry.Seen> tokens = server.seen("/token");
        assertEquals(1, tokens.size());
        Map<String, String> query = form(tokens.get(0).query());
        assertEquals("repository:team/app:pull", query.get("scope"));
        assertEquals(SERVICE, query.get("service"));
        assertEquals("GET", tokens.get(0).method());
        assertTrue(tokens.get(0).authorization().startsWith("Basic "));

        // A new session with the same credentials uses the cached token without a 401 round trip.
        int manifestRequests = server.seen("/v2/").size();
        assertArrayEquals(MANIFEST, session(Credentials.basic("alice", "pw")).fetchManifest().body());
        assertEquals(1, server.seen("/token").size());
        assertEquals(manifestRequests + 1, server.seen("/v2/").size());
    }

    @Test
    void tokensAreNotSharedAcrossCredentials() throws Exception {
        session(Credentials.basic("alice", "pw")).fetchManifest();
        session(Credentials.anonymous()).fetchManifest();
        assertEquals(2, server.seen("/token").size());
        assertNull(server.seen("/token").get(1).authorization(), "anonymous token request carries no credentials");
    }

    @Test
    void identityTokenUsesTheOAuthForm() throws Exception {
        session(new Credentials(null, null, "idt", null)).fetchManifest();
        FakeRegistry.Seen request = server.seen("/token").get(0);
        assertEquals("POST", request.method());
        Map<String, String> body = form(request.body());
        assertEquals("refresh_token", body.get("grant_type"));
        assertEquals("idt", body.get("refresh_token"));
        assertEquals(SERVICE, body.get("service"));
        assertEquals("repository:team/app:pull", body.get("scope"));
        assertEquals("cortado", body.get("client_id"));
    }

    @Test
    void registryTokenIsSentDirectly() throws Exception {
        assertArrayEquals(MANIFEST, session(new Credentials(null, null, null, "direct-token")).fetchManifest().body());
        assertEquals(0, server.seen("/token").size());
        assertEquals("Bearer direct-token", server.seen("/v2/").get(0).authorization());
    }

    @Test
    void wrongCredentialsAreUnauthorizedNamingTheRegistry() {
        RegistryException e = assertThrows(RegistryException.class,
                () -> session(Credentials.basic("alice", "wrong")).fetchManifest());
        assertEquals(Kind.UNAUTHORIZED, e.kind());
        assertTrue(e.getMessage().startsWith("registry " + server.host() + " refused the credentials (user \"alice\")"),
                e.getMessage());
        assertEquals(1, server.seen("/token").size(), "401 from the token service is not retried");
    }

    @Test
    void refusedRegistryTokenIsUnauthorized() {
        RegistryException e = assertThrows(RegistryException.class,
                () -> session(new Credentials(null, null, null, "stale")).fetchManifest());
        assertEquals(Kind.UNAUTHORIZED, e.kind());
        assertTrue(e.getMessage().contains("a registry token"), e.getMessage());
    }

    @Test
    void notFoundAfterAuthentication() {
        RegistryException e = assertThrows(RegistryException.class, () -> session(Credentials.anonymous())
                .fetchManifest(Digest.sha256Of(new byte[] {1}).toString()));
        assertEquals(Kind.NOT_FOUND, e.kind());
    }

    @Test
    void challengeParsingHandlesQuotedCommasAndSeveralChallenges() {
        List<AuthChallenge> challenges = AuthChallenge.parseAll(List.of(
                "Basic realm=\"a, b\", Bearer realm=\"https://auth.example/token\",service=\"x,y\",scope=\"repository:a/b:pull,push\"",
                "Bearer realm=unquoted,error=\"insufficient_scope\""));
        assertEquals(List.of("basic", "bearer", "bearer"), challenges.stream().map(AuthChallenge::scheme).toList());
        assertEquals("a, b", challenges.get(0).parameter("realm"));
        assertEquals("https://auth.example/token", challenges.get(1).parameter("realm"));
        assertEquals("x,y", challenges.get(1).parameter("service"));
        assertEquals("repository:a/b:pull,push", challenges.get(1).parameter("scope"));
        assertEquals("unquoted", challenges.get(2).parameter("realm"));
        assertEquals(Arrays.asList("insufficient_scope"), List.of(challenges.get(2).parameter("error")));
    }
}
