package dev.cortado.hack.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class LocalRegistryTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static HttpResponse<String> get(java.net.URI uri, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void plainRegistryAnswersAndCleansUp() throws Exception {
        Path storage;
        long pid;
        try (LocalRegistry registry = LocalRegistry.start()) {
            storage = registry.storageDir();
            assertTrue(registry.hostPort().matches("127\\.0\\.0\\.1:\\d+"), registry.hostPort());
            HttpResponse<String> response = get(registry.baseUri().resolve("/v2/"), null);
            assertEquals(200, response.statusCode());
            assertEquals("registry/2.0", response.headers().firstValue("Docker-Distribution-Api-Version").orElse(""));
            assertTrue(Files.isDirectory(storage));
            assertTrue(Files.exists(registry.logFile()));
            assertEquals(AuthMode.NONE, registry.authMode());
            assertThrows(IllegalStateException.class, registry::username);
            pid = ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("docker-registry")
                    && p.info().arguments().map(a -> String.join(" ", a)).orElse("").contains(storage.getParent().toString()))
                    .findFirst().map(ProcessHandle::pid).orElse(-1L);
            assertTrue(pid > 0, "registry process not found");
        }
        assertFalse(Files.exists(storage.getParent()), "temp dir must be removed");
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "process must be gone");
    }

    @Test
    void twoRegistriesGetDifferentPorts() {
        try (LocalRegistry a = LocalRegistry.start(); LocalRegistry b = LocalRegistry.start()) {
            assertFalse(a.hostPort().equals(b.hostPort()));
        }
    }

    @Test
    void basicAuthRefusesWrongCredentials() throws Exception {
        try (LocalRegistry registry = LocalRegistry.startWithBasicAuth("alice", "s3cret pass")) {
            HttpResponse<String> anonymous = get(registry.baseUri().resolve("/v2/"), null);
            assertEquals(401, anonymous.statusCode());
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic "));
            assertEquals(401, get(registry.baseUri().resolve("/v2/"), basic("alice", "wrong")).statusCode());
            assertEquals(401, get(registry.baseUri().resolve("/v2/"), basic("bob", "s3cret pass")).statusCode());
            assertEquals(200, get(registry.baseUri().resolve("/v2/"), basic("alice", "s3cret pass")).statusCode());
            assertEquals(200, registry.client().get("/v2/").statusCode());
            assertEquals(401, registry.anonymousClient().get("/v2/").statusCode());
            assertEquals("alice", registry.username());
        }
    }

    @Test
    void tokenFlowIssuesTokensTheRegistryAccepts() throws Exception {
        try (LocalRegistry registry = LocalRegistry.startWithTokenAuth("tok", "en-pass")) {
            HttpResponse<String> challenge = get(registry.baseUri().resolve("/v2/"), null);
            assertEquals(401, challenge.statusCode());
            AuthChallenge parsed = AuthChallenge.parse(challenge.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .orElseThrow();
            assertEquals("bearer", parsed.scheme());
            assertEquals(registry.tokenRealm().toString(), parsed.param("realm"));
            assertEquals(LocalRegistry.TOKEN_SERVICE, parsed.param("service"));

            java.net.URI tokenUri = java.net.URI.create(parsed.param("realm") + "?service=" + parsed.param("service")
                    + "&scope=repository:some/repo:pull,push");
            HttpResponse<String> wrong = get(tokenUri, basic("tok", "nope"));
            assertEquals(401, wrong.statusCode());
            assertFalse(wrong.body().contains("\"token\""));
            assertEquals(401, get(tokenUri, null).statusCode(), "anonymous must be denied by default");

            HttpResponse<String> granted = get(tokenUri, basic("tok", "en-pass"));
            assertEquals(200, granted.statusCode());
            JsonNode body = new ObjectMapper().readTree(granted.body());
            String token = body.get("token").asText();
            assertEquals(token, body.get("access_token").asText());
            assertEquals(300, body.get("expires_in").asInt());
            JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
            assertEquals(LocalRegistry.TOKEN_ISSUER, claims.get("iss").asText());
            assertEquals(LocalRegistry.TOKEN_SERVICE, claims.get("aud").asText());
            assertEquals("some/repo", claims.get("access").get(0).get("name").asText());

            assertEquals(200, get(registry.baseUri().resolve("/v2/"), "Bearer " + token).statusCode());
            assertEquals(401, get(registry.baseUri().resolve("/v2/"), "Bearer " + token.substring(0, token.length() - 4) + "AAAA")
                    .statusCode(), "a token with a broken signature must be refused");
            // the tag list of an empty repository is NAME_UNKNOWN (404) once authorised, 401 without the scope
            assertEquals(404, get(registry.baseUri().resolve("/v2/some/repo/tags/list"), "Bearer " + token).statusCode());
            assertEquals(401, get(registry.baseUri().resolve("/v2/other/tags/list"), "Bearer " + token).statusCode());
            assertEquals(3, registry.tokenRequests());
            assertEquals(1, registry.tokensIssued());

            RegistryClient client = registry.client();
            assertEquals(200, client.get("/v2/").statusCode());
            assertEquals(1, client.tokenFetches());
        }
    }

    @Test
    void tokenServerAcceptsOAuthPasswordGrant() throws Exception {
        try (LocalRegistry registry = LocalRegistry.startWithTokenAuth("u", "p")) {
            String form = "grant_type=password&username=u&password=p&service=" + LocalRegistry.TOKEN_SERVICE
                    + "&client_id=test&scope=repository%3Aa%2Fb%3Apull";
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(registry.tokenRealm())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            String token = new ObjectMapper().readTree(response.body()).get("access_token").asText();
            assertEquals(200, get(registry.baseUri().resolve("/v2/"), "Bearer " + token).statusCode());

            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(registry.tokenRealm())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.replace("password=p", "password=x"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode());
        }
    }

    @Test
    void anonymousPullTokensOnlyWhenAllowed() throws Exception {
        try (LocalRegistry registry = LocalRegistry.startWithTokenAuth("u", "p", true)) {
            java.net.URI tokenUri = java.net.URI.create(registry.tokenRealm() + "?service="
                    + LocalRegistry.TOKEN_SERVICE + "&scope=repository:x:pull,push");
            HttpResponse<String> response = get(tokenUri, null);
            assertEquals(200, response.statusCode());
            String token = new ObjectMapper().readTree(response.body()).get("token").asText();
            JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
            assertEquals("[\"pull\"]", claims.get("access").get(0).get("actions").toString());
        }
    }

    @Test
    void blobDataFileRejectsMalformedAndUnknownDigests() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            assertThrows(IllegalArgumentException.class, () -> registry.blobDataFile("sha256:xyz"));
            IllegalStateException missing = assertThrows(IllegalStateException.class,
                    () -> registry.blobDataFile("sha256:" + "0".repeat(64)));
            assertTrue(missing.getMessage().contains("not stored"));
        }
    }
}
