package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.PortForwardRequest;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.runtime.daemon.RpcFailures;
import dev.cortado.runtime.streaming.SpdyTestClient;
import dev.cortado.runtime.streaming.WebSocketTestClient;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Port-forward into a pod's own network namespace, where busybox httpd serves a page on a port
 * the host cannot reach: over SPDY, SPDY tunnelled in WebSocket, and the WebSocket channel protocol.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingPortForwardTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int PORT = 8080;
    private static final String PAGE = "hello from the pod";
    private static final byte[] REQUEST = "GET /index.html HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private ContainerHarness harness;
    private PodFixture.Pod pod;

    @BeforeAll
    void startHttpd() throws Exception {
        harness = ContainerHarness.start("ctr-portfwd");
        PodFixture pods = harness.pods();
        TestImage busybox = TestImages.busybox(harness.registry());
        pods.pull(busybox.reference());
        pod = pods.startPod("portfwd");
        String httpd = pods.run(pod, PodFixture.container("httpd", busybox.reference(), "sh", "-c",
                "mkdir -p /www && echo '" + PAGE + "' > /www/index.html && exec httpd -f -p " + PORT
                        + " -h /www").build());
        pods.awaitState(httpd, ContainerState.CONTAINER_RUNNING, WAIT);
        PodFixture.await(() -> pods.exec(httpd, 5, "wget", "-q", "-O", "-", "http://127.0.0.1:" + PORT + "/")
                .getExitCode() == 0, WAIT, () -> "httpd in the pod never answered");
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private String url(int... ports) {
        PortForwardRequest.Builder request = PortForwardRequest.newBuilder().setPodSandboxId(pod.id());
        for (int port : ports) {
            request.addPort(port);
        }
        return harness.runtime().portForward(request.build()).getUrl();
    }

    @Test
    void theHostCannotReachThePodsPortItself() {
        assertTrue(!reachable(PORT), "the test needs a port only the pod's namespace has (is something else on "
                + PORT + "?)");
    }

    private static boolean reachable(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** One request pair on a SPDY connection: sends the HTTP request, returns the answer. */
    private static String fetch(SpdyTestClient client, String requestId) throws Exception {
        int error = client.open(Map.of("streamtype", "error", "port", Integer.toString(PORT), "requestid", requestId));
        int data = client.open(Map.of("streamtype", "data", "port", Integer.toString(PORT), "requestid", requestId));
        client.send(data, REQUEST, true);
        String answer = new String(client.awaitFinished(data, WAIT), StandardCharsets.UTF_8);
        assertEquals("", new String(client.awaitFinished(error, WAIT), StandardCharsets.UTF_8), "error stream");
        return answer;
    }

    @Test
    void spdyFetchesThePageTwiceOnOneConnection() throws Exception {
        String url = url(PORT);
        assertTrue(url.contains("/portforward/"), url);
        try (SpdyTestClient client = SpdyTestClient.connect(url, "portforward.k8s.io")) {
            assertEquals("portforward.k8s.io", client.protocol());
            for (String requestId : new String[] {"0", "1"}) {
                String answer = fetch(client, requestId);
                assertTrue(answer.startsWith("HTTP/1.") && answer.contains(PAGE), answer);
            }
        }
    }

    @Test
    void spdyTunnelledInWebSocketFetchesThePage() throws Exception {
        try (SpdyTestClient client = SpdyTestClient.overWebSocket(url(PORT))) {
            assertEquals("SPDY/3.1+portforward.k8s.io", client.protocol());
            String answer = fetch(client, "0");
            assertTrue(answer.contains(PAGE), answer);
        }
    }

    @Test
    void aClosedPortIsReportedOnTheErrorStream() throws Exception {
        try (SpdyTestClient client = SpdyTestClient.connect(url(), "portforward.k8s.io")) {
            int error = client.open(Map.of("streamtype", "error", "port", "9", "requestid", "0"));
            int data = client.open(Map.of("streamtype", "data", "port", "9", "requestid", "0"));
            String message = new String(client.awaitFinished(error, WAIT), StandardCharsets.UTF_8);
            assertTrue(message.contains("port 9") && message.toLowerCase().contains("refused"), message);
            client.awaitFinished(data, WAIT);
        }
    }

    @Test
    void portsOutsideTheRequestAreRefused() throws Exception {
        try (SpdyTestClient client = SpdyTestClient.connect(url(PORT), "portforward.k8s.io")) {
            int error = client.open(Map.of("streamtype", "error", "port", "22", "requestid", "0"));
            client.open(Map.of("streamtype", "data", "port", "22", "requestid", "0"));
            String message = new String(client.awaitFinished(error, WAIT), StandardCharsets.UTF_8);
            assertTrue(message.contains("22"), message);
        }
    }

    @Test
    void webSocketChannelProtocolFetchesThePage() throws Exception {
        String url = url(PORT) + "?port=" + PORT;
        try (WebSocketTestClient client = WebSocketTestClient.connect(url, "v4.channel.k8s.io")) {
            assertEquals("v4.channel.k8s.io", client.protocol());
            WebSocketTestClient.Message dataAnnounce = client.read();
            WebSocketTestClient.Message errorAnnounce = client.read();
            assertArrayEquals(new byte[] {0, (byte) (PORT & 0xff), (byte) (PORT >>> 8)}, dataAnnounce.payload());
            assertArrayEquals(new byte[] {1, (byte) (PORT & 0xff), (byte) (PORT >>> 8)}, errorAnnounce.payload());
            byte[] message = new byte[REQUEST.length + 1];
            System.arraycopy(REQUEST, 0, message, 1, REQUEST.length);
            client.send(WebSocketTestClient.BINARY, message);
            ByteArrayOutputStream page = new ByteArrayOutputStream();
            WebSocketTestClient.Message received;
            while ((received = client.read()) != null && received.opcode() != WebSocketTestClient.CLOSE) {
                assertEquals(0, received.payload()[0], "only the data channel carries bytes");
                page.write(received.payload(), 1, received.payload().length - 1);
            }
            assertTrue(page.toString(StandardCharsets.UTF_8).contains(PAGE), page.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void portForwardToAMissingPodIsNotFound() {
        RpcFailures.assertFails(Status.Code.NOT_FOUND, () -> harness.runtime().portForward(PortForwardRequest
                .newBuilder().setPodSandboxId("feedface-missing").addPort(80).build()), "feedface-missing");
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.runtime().portForward(PortForwardRequest
                .newBuilder().setPodSandboxId(pod.id()).addPort(70000).build()), "70000");
    }
}
