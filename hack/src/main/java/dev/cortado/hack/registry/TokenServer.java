package dev.cortado.hack.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Docker token server a token-auth {@link LocalRegistry} sends clients to: GET with Basic
 * credentials (the Docker client's way) or POST with an OAuth2 password grant form. A known user gets
 * every action it asks for; an anonymous client gets pull-only tokens if the policy allows it, and a
 * 401 otherwise.
 */
final class TokenServer implements AutoCloseable {
    static final String PATH = "/token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ANONYMOUS_ACTIONS = Set.of("pull");

    private final HttpServer server;
    private final ExecutorService executor;
    private final TokenIssuer issuer;
    private final Credentials credentials;
    private final boolean anonymousPull;
    private final String service;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger issued = new AtomicInteger();

    private TokenServer(HttpServer server, ExecutorService executor, TokenIssuer issuer,
                        Credentials credentials, boolean anonymousPull, String service) {
        this.server = server;
        this.executor = executor;
        this.issuer = issuer;
        this.credentials = credentials;
        this.anonymousPull = anonymousPull;
        this.service = service;
    }

    /** Binds to a free port on 127.0.0.1 and starts serving. */
    static TokenServer start(TokenIssuer issuer, Credentials credentials, boolean anonymousPull, String service) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the token server on 127.0.0.1: " + e.getMessage(), e);
        }
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "registry-token-server-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        TokenServer tokenServer = new TokenServer(server, executor, issuer, credentials, anonymousPull, service);
        server.createContext(PATH, tokenServer::handle);
        server.setExecutor(executor);
        server.start();
        return tokenServer;
    }

    /** The realm URL to put in the registry configuration. */
    URI realm() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    int requests() {
        return requests.get();
    }

    int tokensIssued() {
        return issued.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (method.equals("GET")) {
                Form query = Form.parse(exchange.getRequestURI().getRawQuery());
                respond(exchange, decide(exchange, query.all("scope"), query.first("service"),
                        basicCredentials(exchange)), false);
            } else if (method.equals("POST")) {
                handlePost(exchange);
            } else {
                sendError(exchange, 405, "unsupported", "the token endpoint takes GET or POST, not " + method);
            }
        } catch (RuntimeException e) {
            // the client sees a readable reason instead of a dropped connection, if headers are not out yet
            try {
                sendError(exchange, 500, "server_error", String.valueOf(e.getMessage()));
            } catch (IOException | RuntimeException ignored) {
                // the response had already started; closing the exchange is all that is left
            }
        }
    }

    private void handlePost(HttpExchange exchange) throws IOException {
        Form form = Form.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String grantType = form.first("grant_type");
        if (!"password".equals(grantType)) {
            sendError(exchange, 400, "unsupported_grant_type",
                    "only grant_type=password is supported here, not " + grantType);
            return;
        }
        String username = form.first("username");
        String password = form.first("password");
        Credentials presented = username == null ? null : new Credentials(username, password == null ? "" : password);
        List<String> scopes = new ArrayList<>();
        for (String value : form.all("scope")) {
            for (String scope : value.split(" ")) {
                if (!scope.isBlank()) {
                    scopes.add(scope);
                }
            }
        }
        respond(exchange, decide(exchange, scopes, form.first("service"), presented), true);
    }

    private Decision decide(HttpExchange exchange, List<String> scopeTexts, String requestedService,
                            Credentials presented) {
        if (requestedService != null && !requestedService.equals(service)) {
            return Decision.refuse(400, "invalid_request", "unknown service \"" + requestedService
                    + "\"; this token server serves \"" + service + "\"");
        }
        List<Scope> requested = new ArrayList<>();
        for (String text : scopeTexts) {
            try {
                requested.add(Scope.parse(text));
            } catch (IllegalArgumentException e) {
                return Decision.refuse(400, "invalid_scope", e.getMessage());
            }
        }
        if (presented != null) {
            if (!presented.equals(credentials)) {
                return Decision.refuse(401, "invalid_grant", "wrong user name or password for " + presented.username());
            }
            return Decision.grant(presented.username(), requested);
        }
        if (!anonymousPull) {
            return Decision.refuse(401, "unauthorized", "credentials required: anonymous access is disabled");
        }
        List<Scope> pullOnly = new ArrayList<>();
        for (Scope scope : requested) {
            Scope kept = scope.restrictedTo(ANONYMOUS_ACTIONS);
            if (!kept.actions().isEmpty()) {
                pullOnly.add(kept);
            }
        }
        return Decision.grant("", pullOnly);
    }

    private void respond(HttpExchange exchange, Decision decision, boolean oauth) throws IOException {
        if (decision.status() != 200) {
            if (decision.status() == 401) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"cortado token server\"");
            }
            sendError(exchange, decision.status(), decision.error(), decision.message());
            return;
        }
        String token = issuer.issue(decision.subject(), decision.grants());
        issued.incrementAndGet();
        ObjectNode body = JSON.createObjectNode();
        body.put("token", token);
        body.put("access_token", token);
        body.put("expires_in", issuer.lifetimeSeconds());
        body.put("issued_at", java.time.Instant.now().toString());
        if (oauth) {
            body.put("token_type", "Bearer");
            body.put("scope", String.join(" ", decision.grants().stream().map(Scope::toString).toList()));
        }
        send(exchange, 200, JSON.writeValueAsBytes(body));
    }

    private Credentials basicCredentials(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(java.util.Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Credentials("invalid-basic-header", "");
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return new Credentials("invalid-basic-header", "");
        }
        return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    private static void sendError(HttpExchange exchange, int status, String error, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", error);
        body.put("error_description", message);
        body.put("details", message);
        send(exchange, status, JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** What the token server answers: a token with these grants, or an error. */
    private record Decision(int status, String error, String message, String subject, List<Scope> grants) {
        static Decision grant(String subject, List<Scope> grants) {
            return new Decision(200, null, null, subject, List.copyOf(grants));
        }

        static Decision refuse(int status, String error, String message) {
            return new Decision(status, error, message, null, List.of());
        }
    }
}
