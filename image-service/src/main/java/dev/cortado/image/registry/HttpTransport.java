package dev.cortado.image.registry;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends single HTTP requests: no redirects, retries or authentication, which the callers decide.
 * Holds two JDK clients sharing one pool of named threads: one verifying certificates against
 * the system's trust store, one (for insecure hosts) not verifying them.
 */
final class HttpTransport implements AutoCloseable {

    static final String USER_AGENT = "cortado/0.1";

    private final ExecutorService executor;
    private final RegistryConfig config;
    private final Path trustBundle;
    private final Duration readTimeout;
    private HttpClient verifying;
    private HttpClient unverified;
    private boolean closed;

    HttpTransport(RegistryConfig config, Path trustBundle) {
        this.executor = Executors.newCachedThreadPool(new NamedThreads("registry-http-"));
        this.config = config;
        this.trustBundle = trustBundle;
        this.readTimeout = config.readTimeout();
    }

    /**
     * The client for a request. Plain-HTTP requests share the unverified client (it never does
     * TLS for them); the verifying one is built on first HTTPS use, since loading the system
     * trust store takes a noticeable fraction of a second.
     */
    private synchronized HttpClient client(URI uri, boolean skipTlsVerify) throws IOException {
        if (closed) {
            throw new IOException("the registry client is closed");
        }
        if (skipTlsVerify || uri.getScheme().equalsIgnoreCase("http")) {
            if (unverified == null) {
                unverified = build(config, TlsContexts.trustingEverything());
            }
            return unverified;
        }
        if (verifying == null) {
            verifying = build(config, TlsContexts.verifying(trustBundle));
        }
        return verifying;
    }

    private HttpClient build(RegistryConfig config, javax.net.ssl.SSLContext tls) {
        return HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_2)
                .sslContext(tls)
                .build();
    }

    HttpResponse<java.io.InputStream> get(URI uri, Map<String, String> headers, boolean skipTlsVerify)
            throws IOException {
        return send(request(uri, headers).GET().build(), skipTlsVerify);
    }

    HttpResponse<java.io.InputStream> postForm(URI uri, Map<String, String> headers, String form,
                                                boolean skipTlsVerify) throws IOException {
        HttpRequest.Builder builder = request(uri, headers)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8));
        return send(builder.build(), skipTlsVerify);
    }

    private HttpRequest.Builder request(URI uri, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(readTimeout)
                .header("User-Agent", USER_AGENT);
        if (uri.getScheme().equalsIgnoreCase("http")) {
            // Plain-text HTTP/2 would mean an h2c upgrade dance that registries do not speak.
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        headers.forEach(builder::header);
        return builder;
    }

    private HttpResponse<java.io.InputStream> send(HttpRequest request, boolean skipTlsVerify) throws IOException {
        HttpClient client = client(request.uri(), skipTlsVerify);
        try {
            return client.send(request, StreamingBody.handler(request.uri(), readTimeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while requesting " + request.uri());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeIfPossible(verifying);
        closeIfPossible(unverified);
        executor.shutdownNow();
    }

    /**
     * JDK 21 added HttpClient.shutdownNow, which also stops the client's selector thread; on 17
     * there is nothing to call and the thread ends when the client is collected. close() is not
     * used because it waits for every open body, and a caller may have abandoned one.
     */
    private static void closeIfPossible(HttpClient client) {
        if (client == null) {
            return;
        }
        try {
            HttpClient.class.getMethod("shutdownNow").invoke(client);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Not available on this JDK: the executor is stopped below regardless.
        }
    }

    private static final class NamedThreads implements ThreadFactory {
        private final String prefix;
        private final AtomicInteger next = new AtomicInteger();

        NamedThreads(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, prefix + next.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
