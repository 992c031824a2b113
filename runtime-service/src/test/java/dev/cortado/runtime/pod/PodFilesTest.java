package dev.cortado.runtime.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.cri.v1.DNSConfig;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The files a pod gives each container: /etc/resolv.conf, /etc/hosts and /etc/hostname. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class PodFilesTest {

    private LocalRegistry registry;
    private TestImage busybox;

    @BeforeAll
    void registry() {
        registry = LocalRegistry.start();
        busybox = TestImages.busybox(registry);
    }

    @AfterAll
    void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void theKubeletsDnsConfigBecomesResolvConfAndHostsAndHostnameAreThePods() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig pod = h.pod("dnspod").setHostname("web-0")
                    .setDnsConfig(DNSConfig.newBuilder()
                            .addServers("10.96.0.10").addServers("10.96.0.11")
                            .addSearches("team.svc.cluster.local").addSearches("svc.cluster.local")
                            .addSearches("cluster.local")
                            .addOptions("ndots:5").addOptions("timeout:2"))
                    .build();
            String id = h.runPod(pod);
            String first = h.run(id, pod, h.container("first", pod, "sleep", "1000").build());
            String second = h.run(id, pod, h.container("second", pod, "sleep", "1000").build());

            String resolv = """
                    search team.svc.cluster.local svc.cluster.local cluster.local
                    nameserver 10.96.0.10
                    nameserver 10.96.0.11
                    options ndots:5 timeout:2
                    """;
            String hosts = """
                    127.0.0.1\tlocalhost
                    ::1\tlocalhost ip6-localhost ip6-loopback
                    fe00::0\tip6-localnet
                    fe00::0\tip6-mcastprefix
                    fe00::1\tip6-allnodes
                    fe00::2\tip6-allrouters
                    127.0.1.1\tweb-0
                    """;
            for (String container : new String[] {first, second}) {
                assertEquals(resolv, h.sh(container, "cat /etc/resolv.conf"));
                assertEquals(hosts, h.sh(container, "cat /etc/hosts"));
                assertEquals("web-0\n", h.sh(container, "cat /etc/hostname"));
                assertEquals("web-0\n", h.sh(container, "hostname"));
            }
        }
    }

    @Test
    void withoutDnsConfigTheNodesResolvConfIsUsedAndAHostNetworkPodGetsTheNodesHosts() throws Exception {
        try (PodHarness h = PodHarness.start(busybox)) {
            PodSandboxConfig plain = h.pod("nodns").build();
            String plainId = h.runPod(plain);
            String inPlain = h.run(plainId, plain, h.container("main", plain, "sleep", "1000").build());
            PodSandboxConfig hostNet = h.pod("hostnet", PodHarness.namespaces(NamespaceMode.NODE,
                    NamespaceMode.CONTAINER, NamespaceMode.POD)).build();
            String hostNetId = h.runPod(hostNet);
            String inHostNet = h.run(hostNetId, hostNet, h.container("main", hostNet, "sleep", "1000").build());

            assertEquals(HostView.read(Path.of("/etc/resolv.conf")), h.sh(inPlain, "cat /etc/resolv.conf"));
            assertEquals("nodns\n", h.sh(inPlain, "cat /etc/hostname"));
            assertEquals(HostView.read(Path.of("/etc/hosts")), h.sh(inHostNet, "cat /etc/hosts"));
            assertEquals(HostView.read(Path.of("/etc/resolv.conf")), h.sh(inHostNet, "cat /etc/resolv.conf"));
        }
    }
}
