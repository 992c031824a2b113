package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cortado.cri.v1.AttachRequest;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ExecRequest;
import dev.cortado.cri.v1.PortForwardRequest;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.runtime.streaming.FakeApiServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real kubectl (its Go SPDY and WebSocket clients) against cortado's streaming server, through
 * a fake API server that splices kubectl's requests onto the URLs the runtime handed out. Skipped
 * where kubectl is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubectlInteropTest {

    private static final Path KUBECTL = Path.of("/usr/bin/kubectl");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PAGE = "interop page";

    private ContainerHarness harness;
    private PodFixture.Pod pod;
    private String container;
    private Path kubeconfig;

    @BeforeAll
    void startContainer() throws Exception {
        assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed");
        harness = ContainerHarness.start("ctr-kubectl");
        PodFixture pods = harness.pods();
        TestImage busybox = TestImages.busybox(harness.registry());
        pods.pull(busybox.reference());
        pod = pods.startPod("kubectl");
        container = pods.run(pod, PodFixture.container("main", busybox.reference(), "sh", "-c",
                "mkdir -p /www && echo '" + PAGE + "' > /www/index.html && httpd -p 8080 -h /www;"
                        + " i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done").build());
        pods.awaitState(container, ContainerState.CONTAINER_RUNNING, WAIT);
        PodFixture.await(() -> pods.exec(container, 5, "wget", "-q", "-O", "-", "http://127.0.0.1:8080/")
                .getExitCode() == 0, WAIT, () -> "httpd in the pod never answered");
        kubeconfig = harness.dir().resolve("kubeconfig");
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private FakeApiServer apiServer(String kind, String url) throws IOException {
        Deque<String> urls = new ArrayDeque<>(List.of(url));
        FakeApiServer server = new FakeApiServer(Map.of(kind, urls));
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - cluster: {server: "%s"}
                  name: fake
                contexts:
                - context: {cluster: fake, user: u, namespace: default}
                  name: fake
                current-context: fake
                users:
                - name: u
                  user: {}
                """.formatted(server.url()));
        return server;
    }

    private Process kubectl(Map<String, String> env, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add(KUBECTL.toString());
        builder.command().addAll(List.of(args));
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        builder.environment().putAll(env);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return builder.start();
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }

    private void execReportsOutputAndExitCode(Map<String, String> env) throws Exception {
        String url = harness.runtime().exec(ExecRequest.newBuilder().setContainerId(container).addCmd("sh")
                .addCmd("-c").addCmd("echo out; echo err >&2; exit 5").setStdout(true).setStderr(true).build())
                .getUrl();
        try (FakeApiServer server = apiServer("exec", url)) {
            Process process = kubectl(env, "exec", "p", "--", "ignored");
            CompletableFuture<String> stdout = drain(process.getInputStream());
            CompletableFuture<String> stderr = drain(process.getErrorStream());
            assertTrue(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS), "kubectl exec did not end");
            String errors = stderr.get();
            assertEquals(5, process.exitValue(), errors + " requests: " + server.requests());
            assertEquals("out\n", stdout.get());
            assertTrue(errors.contains("err") && errors.contains("exit code 5"), errors);
        }
    }

    @Test
    void execOverSpdy() throws Exception {
        execReportsOutputAndExitCode(Map.of("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false"));
    }

    @Test
    void execOverWebSocket() throws Exception {
        execReportsOutputAndExitCode(Map.of("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "true"));
    }

    @Test
    void attachStreamsTheContainersOutput() throws Exception {
        String url = harness.runtime().attach(AttachRequest.newBuilder().setContainerId(container).setStdout(true)
                .setStderr(true).build()).getUrl();
        try (FakeApiServer server = apiServer("attach", url)) {
            Process process = kubectl(Map.of(), "attach", "p");
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                CompletableFuture<String> tick = CompletableFuture.supplyAsync(() -> {
                    try {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            if (line.startsWith("tick ")) {
                                return line;
                            }
                        }
                        return null;
                    } catch (IOException e) {
                        return null;
                    }
                });
                String line = tick.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertTrue(line != null && line.matches("tick \\d+"), "attach printed " + line + "; requests: "
                        + server.requests());
            } finally {
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private void portForwardFetchesThePage(Map<String, String> env) throws Exception {
        String url = harness.runtime().portForward(PortForwardRequest.newBuilder().setPodSandboxId(pod.id())
                .addPort(8080).build()).getUrl();
        int local;
        try (ServerSocket free = new ServerSocket(0)) {
            local = free.getLocalPort();
        }
        try (FakeApiServer server = apiServer("portforward", url)) {
            Process process = kubectl(env, "port-forward", "--address", "127.0.0.1", "p", local + ":8080");
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8));
                String ready = CompletableFuture.supplyAsync(() -> {
                    try {
                        return out.readLine();
                    } catch (IOException e) {
                        return null;
                    }
                }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertTrue(ready != null && ready.startsWith("Forwarding from"), "kubectl said " + ready);
                for (int i = 0; i < 2; i++) {
                    String answer = get(local);
                    assertTrue(answer.startsWith("HTTP/1.") && answer.contains(PAGE), answer + "; requests: "
                            + server.requests());
                }
            } finally {
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String get(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write("GET /index.html HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void portForwardOverSpdy() throws Exception {
        portForwardFetchesThePage(Map.of("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false"));
    }

    @Test
    void portForwardOverSpdyTunnelledInWebSocket() throws Exception {
        portForwardFetchesThePage(Map.of("KUBECTL_PORT_FORWARD_WEBSOCKETS", "true"));
    }
}
