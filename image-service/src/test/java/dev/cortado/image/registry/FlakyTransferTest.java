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
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cuts, redirects, 5xx and oversize answers from an in-test registry. */
class FlakyTransferTest {

    private static final int BLOB_SIZE = 1 << 20;
    private static final byte[] BLOB = new byte[BLOB_SIZE];
    private static final Digest BLOB_DIGEST;
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    static {
        new Random(7).nextBytes(BLOB);
        BLOB_DIGEST = Digest.sha256Of(BLOB);
    }

    private FakeRegistry server;
    private RegistryClient client;

    @BeforeEach
    void start() throws IOException {
        server = new FakeRegistry();
        client = new RegistryClient(RegistryConfig.defaults()
                .withMaxAttempts(3)
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(40))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private RegistrySession session() {
        return client.session(ImageReference.parse(server.host() + "/team/app:1"), Credentials.anonymous());
    }

    private static long rangeStart(HttpExchange exchange) {
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range == null) {
            return 0;
        }
        Matcher m = RANGE.matcher(range);
        return m.matches() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Sends {@code from..end} with a correct Content-Length but stops after {@code count} bytes. */
    private static void sendCut(HttpExchange exchange, long from, int count, boolean partial) throws IOException {
        if (partial) {
            exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (BLOB_SIZE - 1) + "/" + BLOB_SIZE);
        }
        exchange.sendResponseHeaders(partial ? 206 : 200, partial ? BLOB_SIZE - from : BLOB_SIZE);
        OutputStream out = exchange.getResponseBody();
        int start = partial ? (int) from : 0;
        out.write(BLOB, start, Math.min(count, BLOB_SIZE - start));
        out.flush();
        throw new IOException("cut on purpose");
    }

    private static void sendRest(HttpExchange exchange, long from) throws IOException {
        if (from > 0) {
            exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (BLOB_SIZE - 1) + "/" + BLOB_SIZE);
        }
        exchange.sendResponseHeaders(from > 0 ? 206 : 200, BLOB_SIZE - from);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(BLOB, (int) from, (int) (BLOB_SIZE - from));
        }
    }

    private static byte[] readAll(RegistrySession session) throws IOException {
        try (InputStream in = session.openBlob(BLOB_DIGEST, BLOB_SIZE)) {
            return in.readAllBytes();
        }
    }

    @Test
    void resumesWithRangeAfterACut() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server.on("/v2/", exchange -> {
            if (calls.incrementAndGet() == 1) {
                sendCut(exchange, 0, 300_000, false);
            } else {
                sendRest(exchange, rangeStart(exchange));
            }
        });
        assertArrayEquals(BLOB, readAll(session()));
        assertEquals(2, server.seen().size());
        String range = server.seen().get(1).range();
        assertTrue(range != null && RANGE.matcher(range).matches() && rangeStart(range) > 0, "range " + range);
    }

    @Test
    void resumesWhenTheServerIgnoresRangeBySkippingThePrefix() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server.on("/v2/", exchange -> {
            if (calls.incrementAndGet() == 1) {
                // A clean but short chunked body: the stream ends early without an error.
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(BLOB, 0, 123_456);
                }
            } else {
                FakeRegistry.respond(exchange, 200, BLOB, Map.of());
            }
        });
        assertArrayEquals(BLOB, readAll(session()));
        assertEquals("bytes=123456-", server.seen().get(1).range());
    }

    @Test
    void serverThatAlwaysCutsFailsAfterMaxAttempts() {
        server.on("/v2/", exchange -> {
            long from = rangeStart(exchange);
            sendCut(exchange, from, 1000, from > 0);
        });
        IOException e = assertThrows(IOException.class, () -> readAll(session()));
        assertEquals(3, server.seen().size(), "one transfer and two resumes");
        assertTrue(e.getMessage().contains("transfer failed 3 times"), e.getMessage());
        assertTrue(e.getMessage().contains(BLOB_DIGEST.toString()), e.getMessage());
    }

    @Test
    void redirectToAnotherHostDropsTheAuthorization() throws Exception {
        try (FakeRegistry storage = new FakeRegistry("127.0.0.2")) {
            storage.on("/storage/", exchange -> FakeRegistry.respond(exchange, 200, BLOB, Map.of()));
            server.on("/v2/", exchange -> FakeRegistry.respond(exchange, 307, new byte[0],
                    Map.of("Location", storage.base() + "/storage/blob?sig=abc")));
            RegistrySession session = client.session(ImageReference.parse(server.host() + "/team/app:1"),
                    new Credentials(null, null, null, "secret-token"));
            assertArrayEquals(BLOB, readAll(session));
            assertEquals("Bearer secret-token", server.seen().get(0).authorization());
            assertEquals(1, storage.seen().size());
            assertNull(storage.seen().get(0).authorization(), "the registry's token must not reach blob storage");
            assertEquals("sig=abc", storage.seen().get(0).query());
        }
    }

    @Test
    void transient503IsRetried() throws Exception {
        byte[] manifest = TestImage.create(10, 4).manifest();
        AtomicInteger calls = new AtomicInteger();
        server.on("/v2/", exchange -> {
            if (calls.incrementAndGet() == 1) {
                FakeRegistry.json(exchange, 503, "{\"errors\":[{\"code\":\"UNAVAILABLE\"}]}");
            } else {
                FakeRegistry.respond(exchange, 200, manifest, Map.of("Content-Type", MediaTypes.OCI_MANIFEST));
            }
        });
        assertArrayEquals(manifest, session().fetchManifest().body());
        assertEquals(2, server.seen().size());
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        byte[] manifest = TestImage.create(10, 5).manifest();
        AtomicInteger calls = new AtomicInteger();
        server.on("/v2/", exchange -> {
            if (calls.incrementAndGet() == 1) {
                FakeRegistry.respond(exchange, 429, new byte[0], Map.of("Retry-After", "1"));
            } else {
                FakeRegistry.respond(exchange, 200, manifest, Map.of("Content-Type", MediaTypes.OCI_MANIFEST));
            }
        });
        long start = System.nanoTime();
        session().fetchManifest();
        assertTrue(System.nanoTime() - start >= 900_000_000L, "waited for Retry-After");
    }

    @Test
    void persistent5xxIsUnreachableAfterMaxAttempts() {
        server.on("/v2/", exchange -> FakeRegistry.json(exchange, 502, "bad gateway"));
        RegistryException e = assertThrows(RegistryException.class, () -> session().fetchManifest());
        assertEquals(Kind.UNREACHABLE, e.kind());
        assertEquals(3, server.seen().size());
        assertTrue(e.getMessage().contains("HTTP 502"), e.getMessage());
    }

    @Test
    void clientErrorsAreNotRetried() {
        server.on("/v2/", exchange -> FakeRegistry.json(exchange, 400, "{\"errors\":[{\"code\":\"NAME_INVALID\"}]}"));
        RegistryException e = assertThrows(RegistryException.class, () -> session().fetchManifest());
        assertEquals(Kind.PROTOCOL, e.kind());
        assertEquals(1, server.seen().size());
        assertTrue(e.getMessage().contains("NAME_INVALID"), e.getMessage());
    }

    @Test
    void forbiddenIsDenied() {
        server.on("/v2/", exchange -> FakeRegistry.json(exchange, 403, "{\"errors\":[{\"code\":\"DENIED\"}]}"));
        RegistryException e = assertThrows(RegistryException.class, () -> session().fetchManifest());
        assertEquals(Kind.DENIED, e.kind());
    }

    @Test
    void oversizeManifestIsRefusedWithoutReadingItAll() {
        long huge = 64L << 20;
        AtomicLong written = new AtomicLong();
        server.on("/v2/", exchange -> {
            boolean declare = exchange.getRequestURI().getPath().endsWith("/declared");
            exchange.getResponseHeaders().add("Content-Type", MediaTypes.OCI_MANIFEST);
            exchange.sendResponseHeaders(200, declare ? huge : 0);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                while (written.get() < huge) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            }
        });
        RegistryException declared = assertThrows(RegistryException.class, () -> session().fetchManifest("declared"));
        assertEquals(Kind.TOO_LARGE, declared.kind());
        assertTrue(declared.getMessage().contains(huge + " bytes"), declared.getMessage());
        written.set(0);
        RegistryException streamed = assertThrows(RegistryException.class, () -> session().fetchManifest("streamed"));
        assertEquals(Kind.TOO_LARGE, streamed.kind());
        assertTrue(streamed.getMessage().contains("4194304-byte limit"), streamed.getMessage());
        assertTrue(written.get() < huge, "the server could write only " + written.get() + " of " + huge + " bytes");
    }

    @Test
    void manifestNotMatchingTheAskedDigestIsRefused() {
        byte[] manifest = TestImage.create(10, 6).manifest();
        server.on("/v2/", exchange -> FakeRegistry.respond(exchange, 200, manifest,
                Map.of("Content-Type", MediaTypes.OCI_MANIFEST)));
        Digest other = Digest.sha256Of(new byte[] {1, 2, 3});
        RegistryException e = assertThrows(RegistryException.class, () -> session().fetchManifest(other.toString()));
        assertEquals(Kind.DIGEST_MISMATCH, e.kind());
        assertTrue(e.getMessage().contains(Digest.sha256Of(manifest).toString()), e.getMessage());
    }

    @Test
    void manifestNotMatchingItsAdvertisedDigestIsRefused() {
        byte[] manifest = TestImage.create(10, 8).manifest();
        server.on("/v2/", exchange -> FakeRegistry.respond(exchange, 200, manifest, Map.of(
                "Content-Type", MediaTypes.OCI_MANIFEST,
                "Docker-Content-Digest", Digest.sha256Of(new byte[] {9}).toString())));
        RegistryException e = assertThrows(RegistryException.class, () -> session().fetchManifest());
        assertEquals(Kind.DIGEST_MISMATCH, e.kind());
    }

    @Test
    void schema1ContentTypeIsUnsupported() {
        server.on("/v2/", exchange -> FakeRegistry.respond(exchange, 200, "{\"schemaVersion\":1}".getBytes(),
                Map.of("Content-Type", MediaTypes.DOCKER_SCHEMA1_SIGNED_MANIFEST)));
        RegistryException e = assertThrows(RegistryException.class, () -> session().fetchManifest());
        assertEquals(Kind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().startsWith("schema 1 manifests are not supported: "), e.getMessage());
        String accept = server.seen().get(0).accept();
        for (String type : MediaTypes.MANIFEST_ACCEPT) {
            assertTrue(accept.contains(type), accept);
        }
    }

    @Test
    void blobLongerThanDeclaredIsAMismatch() {
        server.on("/v2/", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(BLOB);
            }
        });
        RegistryException e = assertThrows(RegistryException.class, () -> {
            try (InputStream in = session().openBlob(BLOB_DIGEST, BLOB_SIZE - 10)) {
                in.readAllBytes();
            }
        });
        assertEquals(Kind.DIGEST_MISMATCH, e.kind());
    }

    @Test
    void stalledBodyTimesOutAndResumes() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server.on("/v2/", exchange -> {
            if (calls.incrementAndGet() == 1) {
                exchange.sendResponseHeaders(200, BLOB_SIZE);
                OutputStream out = exchange.getResponseBody();
                out.write(BLOB, 0, 5000);
                out.flush();
                try {
                    Thread.sleep(4000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("stalled on purpose");
            }
            sendRest(exchange, rangeStart(exchange));
        });
        long start = System.nanoTime();
        assertArrayEquals(BLOB, readAll(session()));
        assertTrue(System.nanoTime() - start < 3_900_000_000L, "resumed after the 2 s idle timeout, not the stall");
    }

    private static long rangeStart(String header) {
        Matcher m = RANGE.matcher(header);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
