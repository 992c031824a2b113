package dev.cortado.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.cri.v1.DNSConfig;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PortMapping;
import dev.cortado.cri.v1.Protocol;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration files, results of each spec version, and runtimeConfig, without running plugins. */
class NetworkConfigUnitTest {

    private final ObjectMapper json = new ObjectMapper();
    private final NetworkConfigParser parser = new NetworkConfigParser();

    @TempDir
    Path dir;

    @Test
    void aSingleConfIsWrappedIntoAOnePluginList() throws Exception {
        NetworkConfig config = parser.parse(Path.of("10-br.conf"), """
                {"cniVersion": "0.4.0", "name": "br", "type": "bridge", "bridge": "cni0"}
                """.getBytes(StandardCharsets.UTF_8));
        assertEquals("br", config.name());
        assertEquals("0.4.0", config.cniVersion());
        assertEquals(List.of("bridge"), config.pluginTypes());
        assertEquals("cni0", config.plugins().get(0).path("bridge").asText());
    }

    @Test
    void aListKeepsItsChainOrderAndFlags() throws Exception {
        NetworkConfig config = parser.parse(Path.of("10-k.conflist"), """
                {"cniVersion": "1.0.0", "name": "k", "disableCheck": true,
                 "plugins": [{"type": "bridge"}, {"type": "portmap"}, {"type": "bandwidth"}]}
                """.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("bridge", "portmap", "bandwidth"), config.pluginTypes());
        assertTrue(config.disableCheck());
    }

    @Test
    void unusableFilesAreRefusedWithTheReason() {
        String noName = assertThrows(NetworkConfigParser.InvalidNetworkConfigException.class, () -> parser.parse(
                Path.of("a.conflist"), "{\"plugins\": [{\"type\": \"x\"}]}".getBytes())).getMessage();
        assertTrue(noName.contains("a.conflist") && noName.contains("\"name\""), noName);
        String noType = assertThrows(NetworkConfigParser.InvalidNetworkConfigException.class, () -> parser.parse(
                Path.of("b.conflist"), "{\"name\": \"n\", \"plugins\": [{}]}".getBytes())).getMessage();
        assertTrue(noType.contains("\"type\""), noType);
        String escape = assertThrows(NetworkConfigParser.InvalidNetworkConfigException.class, () -> parser.parse(
                Path.of("c.conf"), "{\"name\": \"n\", \"type\": \"../../bin/sh\"}".getBytes())).getMessage();
        assertTrue(escape.contains("not a plain file name"), escape);
    }

    @Test
    void theFirstFileInLexicalOrderIsUsedAndPluginsAreLookedForInOrder() throws Exception {
        Path conf = Files.createDirectories(dir.resolve("net.d"));
        Path first = Files.createDirectories(dir.resolve("bin1"));
        Path second = Files.createDirectories(dir.resolve("bin2"));
        NetworkConfigSource source = new NetworkConfigSource(conf, List.of(first, second));
        assertEquals("no network config found in " + conf, source.current().message());

        Files.writeString(conf.resolve("20-b.conf"), "{\"name\": \"b\", \"type\": \"beta\"}");
        Files.writeString(conf.resolve("10-a.conflist"), "{\"name\": \"a\", \"plugins\": [{\"type\": \"alpha\"}]}");
        Files.writeString(conf.resolve("00-ignored.txt"), "not a config");
        NetworkState missing = source.current();
        assertFalse(missing.ready());
        assertEquals("plugin alpha not found in " + first + ":" + second + " (network config "
                + conf.resolve("10-a.conflist") + ")", missing.message());

        Path alpha = executable(second.resolve("alpha"));
        assertEquals(alpha, source.current().plugins().get("alpha"));
        Path earlier = executable(first.resolve("alpha"));
        assertEquals(earlier, source.current().plugins().get("alpha"), "the first plugin dir wins");
        assertEquals("a", source.current().config().name());

        Files.delete(conf.resolve("10-a.conflist"));
        assertEquals("plugin beta not found in " + first + ":" + second + " (network config "
                + conf.resolve("20-b.conf") + ")", source.current().message(), "re-read after the change");
    }

    @Test
    void addressesFromResultsOfEachSpecVersion() throws Exception {
        PodAddresses v1 = CniResult.addresses(json.readTree("""
                {"cniVersion": "1.0.0",
                 "interfaces": [{"name": "cni0", "mac": "aa"}, {"name": "veth1", "mac": "bb"},
                                {"name": "eth0", "mac": "cc", "sandbox": "/run/netns/x"}],
                 "ips": [{"address": "fd00::5/64", "gateway": "fd00::1", "interface": 2},
                         {"address": "10.1.0.5/24", "gateway": "10.1.0.1", "interface": 2},
                         {"address": "10.1.0.1/24", "interface": 0}]}
                """));
        assertEquals(new PodAddresses("10.1.0.5", List.of("fd00::5")), v1, "IPv4 first; the bridge's own address is not the pod's");

        PodAddresses v04 = CniResult.addresses(json.readTree("""
                {"cniVersion": "0.4.0", "ips": [{"version": "4", "address": "10.2.0.7/16", "gateway": "10.2.0.1"}]}
                """));
        assertEquals(new PodAddresses("10.2.0.7", List.of()), v04);

        PodAddresses v02 = CniResult.addresses(json.readTree("""
                {"cniVersion": "0.2.0", "ip4": {"ip": "10.3.0.9/24"}, "ip6": {"ip": "fd01::9/64"}}
                """));
        assertEquals(new PodAddresses("10.3.0.9", List.of("fd01::9")), v02);
        assertEquals(PodAddresses.NONE, CniResult.addresses(null));
    }

    @Test
    void runtimeConfigCarriesOnlyTheDeclaredCapabilities() throws Exception {
        PodSandboxConfig pod = PodSandboxConfig.newBuilder()
                .addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.SCTP).setContainerPort(9)
                        .setHostPort(9009).setHostIp("10.0.0.1"))
                .addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.TCP).setContainerPort(80))
                .setDnsConfig(DNSConfig.newBuilder().addServers("10.96.0.10").addSearches("svc.local"))
                .putAnnotations(RuntimeConfigs.INGRESS_ANNOTATION, "10M")
                .build();
        ObjectNode all = RuntimeConfigs.of(pod, "10.244.1.0/24");
        assertEquals(json.readTree("""
                [{"hostPort": 9009, "containerPort": 9, "protocol": "sctp", "hostIP": "10.0.0.1"}]
                """), all.get("portMappings"), "a container port without a host port is no mapping");
        assertEquals("10.96.0.10", all.path("dns").path("servers").path(0).asText());
        assertEquals(10_000_000, all.path("bandwidth").path("ingressRate").asLong());
        assertFalse(all.path("bandwidth").has("egressRate"));
        assertEquals("10.244.1.0/24", all.path("ipRanges").path(0).path(0).path("subnet").asText());

        ObjectNode portmap = (ObjectNode) json.readTree("{\"type\": \"portmap\", \"capabilities\": {\"portMappings\": true}}");
        assertEquals(List.of("portMappings"), iterate(RuntimeConfigs.forPlugin(portmap, all)));
        ObjectNode bridge = (ObjectNode) json.readTree("{\"type\": \"bridge\"}");
        assertNull(RuntimeConfigs.forPlugin(bridge, all));
        assertEquals(1024L * 1024, RuntimeConfigs.bitsPerSecond("1Mi"));
        assertEquals(0, RuntimeConfigs.bitsPerSecond("lots"));
    }

    @Test
    void versionsCompareByNumber() {
        assertTrue(CniVersion.atLeast("1.0.0", "0.4.0"));
        assertTrue(CniVersion.atLeast("0.4.0", "0.4.0"));
        assertFalse(CniVersion.atLeast("0.3.1", "0.4.0"));
        assertTrue(CniVersion.atLeast("0.10.0", "0.4.0"));
    }

    private static List<String> iterate(ObjectNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Path executable(Path file) throws Exception {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
