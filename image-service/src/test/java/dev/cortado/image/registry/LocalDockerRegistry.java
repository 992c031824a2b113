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
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's docker-registry serving on 127.0.0.1 from a temporary directory, optionally behind
 * htpasswd Basic auth, with helpers to push blobs and manifests over the distribution API.
 * A stand-in until the cortado-hack harness is available here; closes the process and deletes
 * its directory.
 */
final class LocalDockerRegistry implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/docker-registry");

    private final Path dir;
    private final Process process;
    private final int port;
    private final String authorization;
    private final boolean tls;
    private final HttpClient http;

    private LocalDockerRegistry(Path dir, Process process, int port, String authorization, boolean tls) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.authorization = authorization;
        this.tls = tls;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        if (tls) {
            builder.sslContext(TlsContexts.trustingEverything());
        }
        this.http = builder.build();
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
    }

    /** The self-signed certificate of a TLS registry (PEM). */
    Path certificate() {
        return dir.resolve("cert.pem");
    }

    static LocalDockerRegistry start() throws IOException, InterruptedException {
        return start(null, null);
    }

    /** With a username, the registry demands Basic auth checked against a bcrypt htpasswd file. */
    static LocalDockerRegistry start(String username, String password) throws IOException, InterruptedException {
        return start(username, password, false);
    }

    /**
     * Serves HTTPS with a fresh self-signed certificate for IP 127.0.0.1, written to
     * {@link #certificate()}; plain HTTP is then refused.
     */
    static LocalDockerRegistry startWithTls() throws IOException, InterruptedException {
        return start(null, null, true);
    }

    private static LocalDockerRegistry start(String username, String password, boolean tls)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("cortado-registry-");
        try {
            int port = freePort();
            String tlsConfig = "";
            if (tls) {
                run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"));
                tlsConfig = "  tls:\n    certificate: " + dir.resolve("cert.pem") + "\n    key: " + dir.resolve("key.pem") + "\n";
            }
            String auth = "";
            String authorization = null;
            if (username != null) {
                Process htpasswd = new ProcessBuilder("htpasswd", "-Bbn", username, password)
                        .redirectErrorStream(true).start();
                byte[] line = htpasswd.getInputStream().readAllBytes();
                if (htpasswd.waitFor() != 0) {
                    throw new IOException("htpasswd failed: " + new String(line, StandardCharsets.UTF_8));
                }
                Files.write(dir.resolve("htpasswd"), line);
                auth = "auth:\n  htpasswd:\n    realm: cortado-test\n    path: " + dir.resolve("htpasswd") + "\n";
                authorization = "Basic " + Base64.getEncoder().encodeToString(
                        (username + ":" + password).getBytes(StandardCharsets.UTF_8));
            }
            String config = "version: 0.1\n"
                    + "log:\n  level: error\n  accesslog:\n    disabled: true\n"
                    + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data") + "\n"
                    + "  delete:\n    enabled: true\n"
                    + "http:\n  addr: 127.0.0.1:" + port + "\n"
                    + tlsConfig
                    + auth;
            Files.writeString(dir.resolve("config.yml"), config);
            Process process = new ProcessBuilder(BINARY.toString(), "serve", dir.resolve("config.yml").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("registry.log").toFile())
                    .start();
            LocalDockerRegistry registry = new LocalDockerRegistry(dir, process, port, authorization, tls);
            try {
                registry.awaitReady();
            } catch (IOException | RuntimeException e) {
                registry.close();
                throw e;
            }
            return registry;
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
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
                if (response.statusCode() == 200 || response.statusCode() == 401) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            Thread.sleep(50);
        }
        throw new IOException("docker-registry did not answer on port " + port + " within 15 s: " + log());
    }

    String log() {
        try {
            return Files.readString(dir.resolve("registry.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}, the registry's name in references. */
    String host() {
        return "127.0.0.1:" + port;
    }

    URI uri(String path) {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port + path);
    }

    Digest pushBlob(String repository, byte[] content) throws IOException, InterruptedException {
        Digest digest = Digest.sha256Of(content);
        HttpResponse<String> started = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(started, 202, "start upload");
        String location = started.headers().firstValue("Location").orElseThrow();
        URI target = uri("/").resolve(location);
        String separator = target.getRawQuery() == null ? "?" : "&";
        HttpResponse<String> finished = send(HttpRequest.newBuilder(URI.create(target + separator + "digest=" + digest))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)));
        expect(finished, 201, "finish upload");
        return digest;
    }

    Digest pushManifest(String repository, String reference, byte[] manifest, String mediaType)
            throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
        expect(response, 201, "push manifest");
        return Digest.sha256Of(manifest);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
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

    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // Best effort in tests: a leftover temp dir must not hide the test's own result.
        }
    }
}
