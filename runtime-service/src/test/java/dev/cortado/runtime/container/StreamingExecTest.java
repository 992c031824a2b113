package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.cri.v1.AttachRequest;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ExecRequest;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.runtime.daemon.RpcFailures;
import dev.cortado.runtime.streaming.HttpUpgrade;
import dev.cortado.runtime.streaming.SpdyTestClient;
import dev.cortado.runtime.streaming.WebSocketTestClient;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Exec and attach through the daemon's Exec/Attach RPCs and its streaming server, with the
 * tests' own SPDY/3.1 and WebSocket clients speaking the kubelet's stream protocols.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingExecTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ContainerHarness harness;
    private PodFixture pods;
    private String running;

    @BeforeAll
    void startContainer() throws Exception {
        harness = ContainerHarness.start("ctr-stream");
        pods = harness.pods();
        TestImage busybox = TestImages.busybox(harness.registry());
        pods.pull(busybox.reference());
        PodFixture.Pod pod = pods.startPod("stream");
        running = pods.run(pod, PodFixture.container("ticker", busybox.reference(), "sh", "-c",
                "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done").build());
        pods.awaitState(running, ContainerState.CONTAINER_RUNNING, WAIT);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private String execUrl(boolean tty, boolean stdin, boolean stdout, boolean stderr, String... cmd) {
        return harness.runtime().exec(ExecRequest.newBuilder().setContainerId(running).addAllCmd(List.of(cmd))
                .setTty(tty).setStdin(stdin).setStdout(stdout).setStderr(stderr).build()).getUrl();
    }

    private static JsonNode status(byte[] document) throws Exception {
        return JSON.readTree(document);
    }

    @Test
    void spdyExecEchoSucceeds() throws Exception {
        String url = execUrl(false, false, true, true, "echo", "hello");
        assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/exec/[A-Za-z0-9_-]+"), url);
        try (SpdyTestClient client = SpdyTestClient.connect(url, "v4.channel.k8s.io", "v3.channel.k8s.io")) {
            assertEquals("v4.channel.k8s.io", client.protocol());
            int error = client.open(Map.of("streamtype", "error"));
            int stdout = client.open(Map.of("streamtype", "stdout"));
            int stderr = client.open(Map.of("streamtype", "stderr"));
            JsonNode status = status(client.awaitFinished(error, WAIT));
            assertEquals("Success", status.path("status").asText(), status.toString());
            assertEquals("hello\n", new String(client.awaitFinished(stdout, WAIT), StandardCharsets.UTF_8));
            assertEquals(0, client.awaitFinished(stderr, WAIT).length);
            assertTrue(client.awaitEnd(WAIT), "the server ends the connection after the exit status");
        }
    }

    @Test
    void spdyExecFailureCarriesTheExitCode() throws Exception {
        String url = execUrl(false, false, true, true, "sh", "-c", "echo oops >&2; exit 3");
        try (SpdyTestClient client = SpdyTestClient.connect(url, "v4.channel.k8s.io")) {
            int error = client.open(Map.of("streamtype", "error"));
            client.open(Map.of("streamtype", "stdout"));
            int stderr = client.open(Map.of("streamtype", "stderr"));
            JsonNode status = status(client.awaitFinished(error, WAIT));
            assertEquals("Failure", status.path("status").asText(), status.toString());
            assertEquals("NonZeroExitCode", status.path("reason").asText());
            JsonNode cause = status.path("details").path("causes").get(0);
            assertEquals("ExitCode", cause.path("reason").asText());
            assertEquals("3", cause.path("message").asText());
            assertEquals("oops\n", new String(client.awaitFinished(stderr, WAIT), StandardCharsets.UTF_8));
        }
    }

    @Test
    void olderProtocolsGetAPlainErrorMessage() throws Exception {
        String url = execUrl(false, false, true, true, "sh", "-c", "exit 7");
        try (SpdyTestClient client = SpdyTestClient.connect(url, "v2.channel.k8s.io")) {
            assertEquals("v2.channel.k8s.io", client.protocol());
            int error = client.open(Map.of("streamtype", "error"));
            client.open(Map.of("streamtype", "stdout"));
            client.open(Map.of("streamtype", "stderr"));
            String message = new String(client.awaitFinished(error, WAIT), StandardCharsets.UTF_8);
            assertTrue(message.contains("non-zero exit code") && message.contains("7"), message);
        }
    }

    @Test
    void spdyStdinRoundTripsThroughCat() throws Exception {
        String url = execUrl(false, true, true, false, "cat");
        try (SpdyTestClient client = SpdyTestClient.connect(url, "v4.channel.k8s.io")) {
            int error = client.open(Map.of("streamtype", "error"));
            int stdin = client.open(Map.of("streamtype", "stdin"));
            int stdout = client.open(Map.of("streamtype", "stdout"));
            client.send(stdin, "line one\n".getBytes(StandardCharsets.UTF_8), false);
            assertTrue(client.awaitText(stdout, "line one\n", WAIT).contains("line one\n"));
            client.send(stdin, "line two\n".getBytes(StandardCharsets.UTF_8), true);
            assertEquals("line one\nline two\n", new String(client.awaitFinished(stdout, WAIT),
                    StandardCharsets.UTF_8));
            assertEquals("Success", status(client.awaitFinished(error, WAIT)).path("status").asText());
        }
    }

    @Test
    void spdyTtyResizeIsSeenByStty() throws Exception {
        String url = execUrl(true, true, true, false, "sh", "-c", "sleep 1; stty size");
        try (SpdyTestClient client = SpdyTestClient.connect(url, "v4.channel.k8s.io")) {
            int error = client.open(Map.of("streamtype", "error"));
            int stdin = client.open(Map.of("streamtype", "stdin"));
            int stdout = client.open(Map.of("streamtype", "stdout"));
            int resize = client.open(Map.of("streamtype", "resize"));
            client.send(resize, "{\"Width\":123,\"Height\":45}\n".getBytes(StandardCharsets.UTF_8), false);
            String output = new String(client.awaitFinished(stdout, WAIT), StandardCharsets.UTF_8);
            assertTrue(output.contains("45 123"), "stty size printed: " + output);
            assertEquals("Success", status(client.awaitFinished(error, WAIT)).path("status").asText());
            client.send(stdin, new byte[0], true);
        }
    }

    @Test
    void spdyAttachReadsTheRunningContainersOutput() throws Exception {
        String url = harness.runtime().attach(AttachRequest.newBuilder().setContainerId(running).setStdout(true)
                .setStderr(true).build()).getUrl();
        assertTrue(url.contains("/attach/"), url);
        try (SpdyTestClient client = SpdyTestClient.connect(url, "v4.channel.k8s.io")) {
            client.open(Map.of("streamtype", "error"));
            int stdout = client.open(Map.of("streamtype", "stdout"));
            client.open(Map.of("streamtype", "stderr"));
            String output = client.awaitText(stdout, "tick", WAIT);
            assertTrue(output.matches("(?s).*tick \\d+\n.*"), output);
        }
        assertEquals(ContainerState.CONTAINER_RUNNING, pods.status(running).getState(),
                "detaching leaves the container running");
    }

    @Test
    void webSocketV5ExecWithStdinClose() throws Exception {
        String url = execUrl(false, true, true, true, "cat");
        try (WebSocketTestClient client = WebSocketTestClient.connect(url, "v5.channel.k8s.io",
                "v4.channel.k8s.io")) {
            assertEquals("v5.channel.k8s.io", client.protocol());
            client.send(WebSocketTestClient.BINARY, new byte[] {0, 'a', 'b', 'c'});
            client.send(WebSocketTestClient.BINARY, new byte[] {(byte) 255, 0});
            Map<Integer, ByteArrayOutputStream> channels = readChannels(client, false);
            assertEquals("abc", channels.get(1).toString(StandardCharsets.UTF_8));
            assertEquals("Success", status(channels.get(3).toByteArray()).path("status").asText());
        }
    }

    @Test
    void webSocketTtyResizeIsSeenByStty() throws Exception {
        String url = execUrl(true, true, true, false, "sh", "-c", "sleep 1; stty size");
        try (WebSocketTestClient client = WebSocketTestClient.connect(url, "v4.channel.k8s.io")) {
            byte[] size = "{\"Width\":77,\"Height\":22}".getBytes(StandardCharsets.UTF_8);
            byte[] message = new byte[size.length + 1];
            message[0] = 4;
            System.arraycopy(size, 0, message, 1, size.length);
            client.send(WebSocketTestClient.BINARY, message);
            Map<Integer, ByteArrayOutputStream> channels = readChannels(client, false);
            String output = channels.get(1).toString(StandardCharsets.UTF_8);
            assertTrue(output.contains("22 77"), "stty size printed: " + output);
            assertEquals("Success", status(channels.get(3).toByteArray()).path("status").asText());
        }
    }

    @Test
    void webSocketBase64ExecReportsTheExitCode() throws Exception {
        String url = execUrl(false, false, true, true, "sh", "-c", "echo out; echo err >&2; exit 4");
        try (WebSocketTestClient client = WebSocketTestClient.connect(url, "v4.base64.channel.k8s.io")) {
            assertEquals("v4.base64.channel.k8s.io", client.protocol());
            Map<Integer, ByteArrayOutputStream> channels = readChannels(client, true);
            assertEquals("out\n", channels.get(1).toString(StandardCharsets.UTF_8));
            assertEquals("err\n", channels.get(2).toString(StandardCharsets.UTF_8));
            JsonNode status = status(channels.get(3).toByteArray());
            assertEquals("4", status.path("details").path("causes").get(0).path("message").asText());
        }
    }

    /** Every message until the server closes, joined per channel. */
    private static Map<Integer, ByteArrayOutputStream> readChannels(WebSocketTestClient client, boolean base64)
            throws Exception {
        Map<Integer, ByteArrayOutputStream> channels = new java.util.HashMap<>();
        for (int i = 0; i < 4; i++) {
            channels.put(i, new ByteArrayOutputStream());
        }
        WebSocketTestClient.Message message;
        while ((message = client.read()) != null && message.opcode() != WebSocketTestClient.CLOSE) {
            byte[] payload = message.payload();
            if (payload.length == 0) {
                continue;
            }
            if (base64) {
                assertEquals(WebSocketTestClient.TEXT, message.opcode());
                String text = new String(payload, StandardCharsets.US_ASCII);
                channels.computeIfAbsent(text.charAt(0) - '0', c -> new ByteArrayOutputStream())
                        .writeBytes(Base64.getDecoder().decode(text.substring(1)));
            } else {
                channels.computeIfAbsent(payload[0] & 0xff, c -> new ByteArrayOutputStream())
                        .write(payload, 1, payload.length - 1);
            }
        }
        assertTrue(message != null, "the server closes with a close message, not by dropping the connection");
        return channels;
    }

    @Test
    void aUrlIsSingleUseAndUnknownOnesAre404() throws Exception {
        String url = execUrl(false, false, true, false, "true");
        try (SpdyTestClient client = SpdyTestClient.connect(url, "v4.channel.k8s.io")) {
            int error = client.open(Map.of("streamtype", "error"));
            client.open(Map.of("streamtype", "stdout"));
            assertEquals("Success", status(client.awaitFinished(error, WAIT)).path("status").asText());
        }
        Map<String, List<String>> upgrade = Map.of("Connection", List.of("Upgrade"), "Upgrade", List.of("SPDY/3.1"),
                "X-Stream-Protocol-Version", List.of("v4.channel.k8s.io"));
        HttpUpgrade.Response again = HttpUpgrade.request(url, upgrade);
        again.socket().close();
        assertEquals(404, again.status(), again.body());
        HttpUpgrade.Response unknown = HttpUpgrade.request(url.substring(0, url.lastIndexOf('/') + 1)
                + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", upgrade);
        unknown.socket().close();
        assertEquals(404, unknown.status());
        assertTrue(unknown.body().contains("expire"), unknown.body());
    }

    @Test
    void unsupportedProtocolsAreRefused() throws Exception {
        String url = execUrl(false, false, true, false, "true");
        HttpUpgrade.Response response = HttpUpgrade.request(url, Map.of("Connection", List.of("Upgrade"),
                "Upgrade", List.of("SPDY/3.1"), "X-Stream-Protocol-Version", List.of("v9.channel.k8s.io")));
        response.socket().close();
        assertEquals(403, response.status());
        assertTrue(response.body().contains("v4.channel.k8s.io"), response.body());
    }

    @Test
    void execRequestsAreValidated() {
        RpcFailures.assertFails(Status.Code.NOT_FOUND, () -> harness.runtime().exec(ExecRequest.newBuilder()
                .setContainerId("0123456789abcdef-missing").addCmd("true").setStdout(true).build()));
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> execUrl(true, false, true, true, "true"),
                "tty");
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> execUrl(false, false, false, false, "true"));
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.runtime().exec(ExecRequest.newBuilder()
                .setContainerId(running).setStdout(true).build()), "cmd");
    }

    @Test
    void aClientThatLeavesEndsItsExec() throws Exception {
        String url = execUrl(false, false, true, true, "sleep", "1001");
        try (SpdyTestClient client = SpdyTestClient.connect(url, "v4.channel.k8s.io")) {
            client.open(Map.of("streamtype", "error"));
            client.open(Map.of("streamtype", "stdout"));
            client.open(Map.of("streamtype", "stderr"));
            PodFixture.await(() -> pods.sh(running, "ps").contains("sleep 1001"), WAIT,
                    () -> "the exec never started");
        }
        PodFixture.await(() -> !pods.sh(running, "ps").contains("sleep 1001"), WAIT,
                () -> "the exec outlived its client: " + pods.sh(running, "ps"));
    }

    @Test
    void connectionsThatNeverSetUpTheirStreamsAreClosed() throws Exception {
        String url = execUrl(false, false, true, true, "true");
        java.net.URI uri = java.net.URI.create(url);
        try (SpdyTestClient halfDone = SpdyTestClient.connect(url, "v4.channel.k8s.io");
             java.net.Socket silent = new java.net.Socket(uri.getHost(), uri.getPort())) {
            halfDone.open(Map.of("streamtype", "error"));
            silent.setSoTimeout((int) Duration.ofSeconds(45).toMillis());
            long start = System.nanoTime();
            assertEquals(-1, silent.getInputStream().read(), "a connection that sends no request is closed");
            assertTrue(halfDone.awaitEnd(Duration.ofSeconds(15)), "a connection missing streams is closed");
            long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            assertTrue(seconds >= 25 && seconds <= 40, "closed after " + seconds + " s, not about 30 s");
        }
    }
}
