package dev.cortado.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxNetworkStatus;
import dev.cortado.cri.v1.PodSandboxStatusRequest;
import dev.cortado.cri.v1.PortMapping;
import dev.cortado.cri.v1.Protocol;
import dev.cortado.cri.v1.RuntimeCondition;
import dev.cortado.cri.v1.StatusRequest;
import dev.cortado.runtime.daemon.RpcFailures;
import io.grpc.Status;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Pods on a real bridge network (Debian's bridge, host-local and portmap plugins with iptables):
 * addresses, pod-to-pod traffic, hostPorts from the host's loopback, a clean teardown, the
 * NetworkReady condition following the configuration directory, and a failing plugin's error.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CniNetworkTest {

    private static final String HTTPD = "mkdir -p /www && echo \"hello from $(hostname)\" > /www/index.html"
            + " && exec httpd -f -p 8080 -h /www";
    private static final String FAILING_MESSAGE = "cortado test plugin refuses this pod: quota \"pods\" is used up";

    private final ObjectMapper json = new ObjectMapper();
    private NetworkHarness harness;
    private TestBridge bridge;

    @BeforeAll
    void start() throws Exception {
        harness = NetworkHarness.start("cni", 0);
        bridge = harness.bridge();
        writeFailingPlugin(harness.binDir().resolve("cortado-fail"), harness.dir().resolve("fail-plugin"));
    }

    @AfterAll
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @BeforeEach
    void standardNetwork() throws IOException {
        bridge.installStandard();
    }

    @AfterEach
    void removePods() {
        harness.removeAllPods();
    }

    @Test
    void networkReadyFollowsTheConfigDirectoryWithoutARestart() throws IOException {
        bridge.clearConfig();
        RuntimeCondition none = networkReady();
        assertFalse(none.getStatus());
        assertTrue(none.getMessage().contains("no network config found in " + bridge.confDir()), none.getMessage());
        assertFalse(none.getReason().isEmpty());

        bridge.install("05-missing.conflist", bridge.conflist("{\"type\": \"cortado-no-such-plugin\"}"));
        RuntimeCondition missing = networkReady();
        assertFalse(missing.getStatus());
        assertTrue(missing.getMessage().contains("plugin cortado-no-such-plugin not found in " + harness.binDir()
                + ":/opt/cni/bin:/usr/lib/cni"), missing.getMessage());

        bridge.install("05-broken.conf", "{\"name\": \"x\", ");
        RuntimeCondition broken = networkReady();
        assertFalse(broken.getStatus());
        assertTrue(broken.getMessage().contains("05-broken.conf"), broken.getMessage());

        bridge.installStandard();
        RuntimeCondition ready = networkReady();
        assertTrue(ready.getStatus(), ready.getMessage());
    }

    @Test
    void twoPodsGetDistinctAddressesAndReachEachOther() throws IOException {
        PodSandboxConfig serverConfig = NetworkHarness.pod("server").build();
        String server = harness.runPod(serverConfig);
        PodSandboxConfig clientConfig = NetworkHarness.pod("client").build();
        String client = harness.runPod(clientConfig);
        PodSandboxNetworkStatus serverNet = harness.network(server);
        PodSandboxNetworkStatus clientNet = harness.network(client);
        assertTrue(serverNet.getIp().startsWith(bridge.subnetPrefix()), serverNet.toString());
        assertTrue(clientNet.getIp().startsWith(bridge.subnetPrefix()), clientNet.toString());
        assertNotEquals(serverNet.getIp(), clientNet.getIp());
        assertEquals(0, serverNet.getAdditionalIpsCount(), "a single-stack network has no second address");

        String httpd = harness.runShell(server, serverConfig, "httpd", HTTPD);
        String shell = harness.runShell(client, clientConfig, "shell", "exec sleep 1000");
        assertTrue(harness.sh(shell, "ip -4 addr show eth0").contains(clientNet.getIp() + "/24"));
        String page = awaitPage(shell, serverNet.getIp(), 8080);
        assertTrue(page.startsWith("HTTP/1.") && page.endsWith("\r\n\r\nhello from server\n"), page);
        assertTrue(harness.sh(httpd, "cat /etc/hosts").contains(serverNet.getIp() + "\tserver\n"),
                "the pod's hosts file names its host name by its address");

        JsonNode info = json.readTree(harness.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                .setPodSandboxId(client).setVerbose(true).build()).getInfoOrThrow("info"));
        assertEquals("ok", info.path("cni").path("check").asText(), info.toPrettyString());
        assertEquals(bridge.network(), info.path("cni").path("config").path("name").asText());
    }

    @Test
    void aDualStackPodReportsItsIpv6AddressAsAdditional() throws IOException {
        bridge.install("10-dual.conflist", bridge.dualStackConflist());
        PodSandboxConfig config = NetworkHarness.pod("dual").build();
        String pod = harness.runPod(config);
        PodSandboxNetworkStatus network = harness.network(pod);
        assertTrue(network.getIp().startsWith(bridge.subnetPrefix()), network.toString());
        assertEquals(1, network.getAdditionalIpsCount(), network.toString());
        assertTrue(network.getAdditionalIps(0).getIp().startsWith(bridge.ipv6Prefix()), network.toString());
        String shell = harness.runShell(pod, config, "shell", "exec sleep 1000");
        assertTrue(harness.sh(shell, "ip -6 addr show eth0").contains(network.getAdditionalIps(0).getIp() + "/64"));
        harness.stopPod(pod);
        assertEquals(List.of(), bridge.leftovers(List.of(pod)));
    }

    @Test
    void aHostPortIsReachableFromTheHostsLoopback() throws Exception {
        int hostPort = freePort();
        PodSandboxConfig config = NetworkHarness.pod("web").addPortMappings(PortMapping.newBuilder()
                .setProtocol(Protocol.TCP).setContainerPort(8080).setHostPort(hostPort)).build();
        String pod = harness.runPod(config);
        harness.runShell(pod, config, "httpd", HTTPD);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + "/"))
                .timeout(Duration.ofSeconds(3)).build();
        String body = null;
        Exception last = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (body == null && System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                body = response.statusCode() == 200 ? response.body() : null;
            } catch (IOException e) {
                last = e;
                Thread.sleep(200);
            }
        }
        String why = "127.0.0.1:" + hostPort + " never answered: " + last + "\n" + bridge.iptablesRules(List.of(pod));
        assertEquals("hello from web\n", body, why);
    }

    @Test
    void stopPodSandboxLeavesNoVethRuleOrAddress() throws IOException {
        PodSandboxConfig config = NetworkHarness.pod("short-lived").addPortMappings(PortMapping.newBuilder()
                .setProtocol(Protocol.TCP).setContainerPort(80).setHostPort(freePort())).build();
        String pod = harness.runPod(config);
        assertFalse(bridge.veths().isEmpty(), "the pod's veth is on the bridge");
        assertFalse(bridge.iptablesRules(List.of(pod)).isEmpty(), "portmap and masquerade rules exist");
        assertEquals(1, bridge.reservedAddresses().size(), "host-local reserved one address");
        assertTrue(Files.exists(cacheFile(pod)));

        harness.stopPod(pod);
        assertEquals(List.of(), bridge.leftovers(List.of(pod)));
        assertFalse(Files.exists(cacheFile(pod)), "the cache entry goes with the network");
        assertEquals("", harness.network(pod).getIp(), "a stopped pod has no address");
        harness.stopPod(pod); // idempotent
        harness.removePod(pod);
        assertEquals(List.of(), bridge.leftovers(List.of(pod)));
    }

    @Test
    void aFailingPluginsMessageReachesTheCriErrorAndWhatRanIsUndone() throws IOException {
        Path record = harness.dir().resolve("fail-plugin");
        bridge.install("10-failing.conflist", bridge.conflist(
                "{\"type\": \"cortado-fail\", \"capabilities\": {\"portMappings\": true, \"bandwidth\": true}}"));
        PodSandboxConfig config = NetworkHarness.pod("refused").addPortMappings(PortMapping.newBuilder()
                .setProtocol(Protocol.UDP).setContainerPort(53).setHostPort(freePort()).setHostIp("127.0.0.1")).build();
        String message = RpcFailures.assertFails(Status.Code.UNKNOWN, () -> harness.runPod(config), FAILING_MESSAGE,
                "cortado-fail");
        assertTrue(message.contains("net-test/refused"), message);

        List<String> calls = Files.readAllLines(record.resolve("calls"));
        assertEquals(2, calls.size(), "ADD, then DEL to undo it: " + calls);
        assertTrue(calls.get(0).startsWith("ADD ") && calls.get(1).startsWith("DEL "), calls.toString());
        assertEquals(List.of(), bridge.leftovers(List.of(calls.get(0).substring(4))), "bridge and portmap were undone");

        JsonNode add = json.readTree(record.resolve("ADD.json").toFile());
        assertEquals(bridge.network(), add.path("name").asText());
        assertEquals("1.0.0", add.path("cniVersion").asText());
        assertTrue(add.path("prevResult").path("ips").path(0).path("address").asText()
                .startsWith(bridge.subnetPrefix()), "the chain's previous result: " + add);
        JsonNode port = add.path("runtimeConfig").path("portMappings").path(0);
        assertEquals(config.getPortMappings(0).getHostPort(), port.path("hostPort").asInt(), add.toString());
        assertEquals(53, port.path("containerPort").asInt());
        assertEquals("udp", port.path("protocol").asText());
        assertEquals("127.0.0.1", port.path("hostIP").asText());
        assertFalse(add.path("runtimeConfig").has("bandwidth"), "the pod asked for no bandwidth limit");
        String env = Files.readString(record.resolve("ADD.env"));
        assertTrue(env.contains("CNI_IFNAME=eth0") && env.contains("K8S_POD_NAME=refused")
                && env.contains("K8S_POD_NAMESPACE=net-test") && env.contains("IgnoreUnknown=1")
                && env.contains("CNI_NETNS=" + harness.state()), env);
    }

    /** GET / over busybox nc (busybox-static's wget crashes in glibc's static resolver). */
    private String awaitPage(String container, String ip, int port) {
        AssertionError last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                return harness.sh(container, "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + ip + " " + port);
            } catch (AssertionError notYet) {
                last = notYet; // httpd may not listen yet
                sleep(200);
            }
        }
        throw last;
    }

    private RuntimeCondition networkReady() {
        return harness.runtime().status(StatusRequest.getDefaultInstance()).getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals("NetworkReady")).findFirst().orElseThrow();
    }

    private Path cacheFile(String pod) {
        return harness.state().resolve("network").resolve(pod + ".json");
    }

    /** A plugin that records each call (and its stdin and environment) and refuses every ADD. */
    private static void writeFailingPlugin(Path binary, Path record) throws IOException {
        Files.createDirectories(record);
        Files.writeString(binary, """
                #!/bin/sh
                echo "$CNI_COMMAND $CNI_CONTAINERID" >> %1$s/calls
                cat > %1$s/$CNI_COMMAND.json
                env > %1$s/$CNI_COMMAND.env
                if [ "$CNI_COMMAND" = ADD ]; then
                    printf '%%s' '{"cniVersion": "1.0.0", "code": 11, "msg": "%2$s", "details": "asked by the test"}'
                    exit 1
                fi
                exit 0
                """.formatted(record, FAILING_MESSAGE.replace("\"", "\\\"")));
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
