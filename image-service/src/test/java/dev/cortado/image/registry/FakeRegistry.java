package dev.cortado.image.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An in-test HTTP server playing a hostile or flaky registry peer (bearer challenges, cuts,
 * redirects, 5xx), recording every request it sees.
 */
final class FakeRegistry implements AutoCloseable {

    /** One request as the server saw it. */
    record Seen(String method, String path, String query, String authorization, String range, String accept,
                String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    FakeRegistry(String address) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 16);
        executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "fake-registry-" + address);
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.start();
    }

    FakeRegistry() throws IOException {
        this("127.0.0.1");
    }

    /** Serves paths starting with {@code prefix}; each request is recorded before the handler runs. */
    FakeRegistry on(String prefix, HttpHandler handler) {
        server.createContext(prefix, exchange -> {
            try (exchange) {
                URI uri = exchange.getRequestURI();
                String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                seen.add(new Seen(exchange.getRequestMethod(), uri.getPath(), uri.getRawQuery(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Range"),
                        exchange.getRequestHeaders().getFirst("Accept"), body));
                handler.handle(exchange);
            }
        });
        return this;
    }

    String host() {
        return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    URI base() {
        return URI.create("http://" + host());
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    List<Seen> seen(String pathPrefix) {
        return seen.stream().filter(s -> s.path().startsWith(pathPrefix)).toList();
    }

    static void respond(HttpExchange exchange, int status, byte[] body, Map<String, String> headers) throws IOException {
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static void json(HttpExchange exchange, int status, String body) throws IOException {
        respond(exchange, status, body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json"));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
