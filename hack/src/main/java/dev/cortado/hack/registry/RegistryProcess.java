package dev.cortado.hack.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One running {@code docker-registry serve} process and the means to stop it and its children. */
final class RegistryProcess {
    static final String BINARY = "/usr/bin/docker-registry";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Path logFile;

    private RegistryProcess(Process process, Path logFile) {
        this.process = process;
        this.logFile = logFile;
    }

    /** Thrown when the registry exited before answering; {@code portTaken} lets the caller retry. */
    static final class StartFailure extends RuntimeException {
        private final boolean portTaken;

        StartFailure(String message, boolean portTaken) {
            super(message);
            this.portTaken = portTaken;
        }

        boolean portTaken() {
            return portTaken;
        }
    }

    /** Starts the registry and returns once {@code GET /v2/} answers (200, or 401 when auth is on). */
    static RegistryProcess start(Path configFile, Path logFile, URI baseUri) {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: install Debian's docker-registry package (hack/setup)");
        }
        Process process;
        try {
            process = new ProcessBuilder(List.of(BINARY, "serve", configFile.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + BINARY + ": " + e.getMessage(), e);
        }
        RegistryProcess registry = new RegistryProcess(process, logFile);
        try {
            registry.awaitReady(baseUri);
            return registry;
        } catch (RuntimeException e) {
            registry.kill();
            throw e;
        }
    }

    private void awaitReady(URI baseUri) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest probe = HttpRequest.newBuilder(baseUri.resolve("/v2/")).timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String log = logTail();
                throw new StartFailure("docker-registry exited with " + process.exitValue()
                        + " before answering on " + baseUri + "; log " + logFile + ":\n" + log,
                        log.contains("address already in use"));
            }
            try {
                int status = client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 401) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the registry to start", e);
            }
            sleep(50);
        }
        throw new StartFailure("docker-registry did not answer GET " + baseUri.resolve("/v2/") + " within "
                + READY_TIMEOUT.toSeconds() + " s; log " + logFile + ":\n" + logTail(), false);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Kills the registry and anything it started, and waits for them to go. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the registry to start", e);
        }
    }
}
