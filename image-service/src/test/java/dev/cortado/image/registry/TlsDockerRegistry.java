package dev.cortado.image.registry;

import dev.cortado.image.content.Digest;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's docker-registry serving HTTPS on 127.0.0.1 with a fresh self-signed certificate for
 * IP 127.0.0.1, from a temporary directory, with helpers to push blobs and manifests. The
 * cortado-hack harness serves plain HTTP only, hence this one. Closing stops the process and
 * deletes the directory.
 */
final class TlsDockerRegistry implements AutoCloseable {

    private final Path dir;
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(TlsContexts.trustingEverything())
            .build();

    private TlsDockerRegistry(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    static TlsDockerRegistry start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("cortado-tls-registry-");
        try {
            int port = freePort();
            run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"));
            Files.writeString(dir.resolve("config.yml"), "version: 0.1\n"
                    + "log:\n  level: error\n  accesslog:\n    disabled: true\n"
                    + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data") + "\n"
                    + "http:\n  addr: 127.0.0.1:" + port + "\n"
                    + "  tls:\n    certificate: " + dir.resolve("cert.pem") + "\n    key: " + dir.resolve("key.pem") + "\n");
            Process process = new ProcessBuilder("/usr/bin/docker-registry", "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("registry.log").toFile())
                    .start();
            TlsDockerRegistry registry = new TlsDockerRegistry(dir, process, port);
            try {
                registry.awaitReady();
            } catch (IOException | RuntimeException | InterruptedException e) {
                registry.close();
                throw e;
            }
            return registry;
        } catch (IOException | RuntimeException | InterruptedException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /** A port nothing listens on (at the moment of asking). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("docker-registry exited with " + process.exitValue() + ": " + log());
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri("/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(50);
        }
        throw new IOException("docker-registry did not answer on port " + port + " within 15 s: " + log());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("registry.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** {@code 127.0.0.1:<port>}. */
    String host() {
        return "127.0.0.1:" + port;
    }

    /** The self-signed certificate (PEM). */
    Path certificate() {
        return dir.resolve("cert.pem");
    }

    private URI uri(String path) {
        return URI.create("https://127.0.0.1:" + port + path);
    }

    void pushBlob(String repository, byte[] content) throws IOException, InterruptedException {
        HttpResponse<String> started = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(started, 202, "start upload");
        URI target = uri("/").resolve(started.headers().firstValue("Location").orElseThrow());
        String separator = target.getRawQuery() == null ? "?" : "&";
        expect(send(HttpRequest.newBuilder(URI.create(target + separator + "digest=" + Digest.sha256Of(content)))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content))), 201, "finish upload");
    }

    void pushManifest(String repository, String reference, byte[] manifest, String mediaType)
            throws IOException, InterruptedException {
        expect(send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest))), 201, "push manifest");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> response, int status, String step) throws IOException {
        if (response.statusCode() != status) {
            throw new IOException(step + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // Best effort: a leftover temp dir must not hide the test's own result.
        }
    }
}
