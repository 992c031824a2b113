package dev.cortado.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PortMapping;
import dev.cortado.cri.v1.Protocol;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A daemon killed with SIGKILL still knows its pods' addresses and tears their networks down. */
class CniRestartTest {

    private NetworkHarness harness;

    @BeforeEach
    void start() throws Exception {
        harness = NetworkHarness.start("cni-restart", 1);
        harness.bridge().installStandard();
    }

    @AfterEach
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void stopPodSandboxAfterAKilledDaemonStillTearsTheNetworkDown() throws Exception {
        int hostPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            hostPort = socket.getLocalPort();
        }
        PodSandboxConfig config = NetworkHarness.pod("survivor").addPortMappings(PortMapping.newBuilder()
                .setProtocol(Protocol.TCP).setContainerPort(8080).setHostPort(hostPort)).build();
        String pod = harness.runPod(config);
        String ip = harness.network(pod).getIp();
        assertTrue(ip.startsWith(harness.bridge().subnetPrefix()), ip);

        harness.daemon().kill();
        harness.startDaemon();

        assertEquals(ip, harness.network(pod).getIp(), "the address comes back from the cache");
        TestBridge bridge = harness.bridge();
        assertFalse(bridge.leftovers(List.of(pod)).isEmpty(), "the network is still up before the stop");

        // a configuration changed meanwhile does not matter: DEL runs with what ADD used
        bridge.clearConfig();
        harness.stopPod(pod);
        assertEquals(List.of(), bridge.leftovers(List.of(pod)));
        harness.removePod(pod);
    }

    @Test
    void aPodWithoutAnyNetworkConfigKeepsLoopbackOnly() throws IOException {
        harness.bridge().clearConfig();
        String pod = harness.runPod(NetworkHarness.pod("loopback-only").build());
        assertEquals("", harness.network(pod).getIp());
        assertEquals(List.of(), harness.bridge().leftovers(List.of(pod)));
        harness.stopPod(pod);
        harness.removePod(pod);
    }
}
