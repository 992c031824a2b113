package dev.cortado.runtime.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.linux.Namespaces;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodNetworkTest {

    @Test
    void parsesProcNetDev() {
        List<InterfaceCounters> parsed = PodNetwork.parse(List.of(
                "Inter-|   Receive                                                |  Transmit",
                " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo"
                        + " colls carrier compressed",
                "    lo:   1000      10    0    0    0     0          0         0     1000      10    0    0    0"
                        + "     0       0          0",
                "  eth0: 123456     100    2    3    0     0          0         0    65432      90    4    5    0"
                        + "     0       0          0"));
        assertEquals(2, parsed.size());
        assertEquals(new InterfaceCounters("eth0", 123456, 100, 2, 3, 65432, 90, 4, 5), parsed.get(1));
    }

    @Test
    void readsThroughAProcessInTheNamespaceOnly() {
        PodNetwork network = new PodNetwork(Path.of("/proc"), new Namespaces());
        long self = ProcessHandle.current().pid();
        List<InterfaceCounters> mine = network.read(Path.of("/proc/self/ns/net"), List.of(0L, self));
        assertNotNull(mine, "this process is in its own network namespace");
        assertTrue(mine.stream().noneMatch(c -> c.name().equals("lo")), "loopback is left out");
        assertNull(network.read(Path.of("/proc/self/ns/ipc"), List.of(self)),
                "a process outside the pinned namespace is not looked through");
        assertNull(network.read(Path.of("/nonexistent/netns"), List.of(self)));
    }

    @Test
    void aNamespaceWithNoProcessIsReadByJoiningIt() throws Exception {
        String name = "cortado-stats-" + ProcessHandle.current().pid();
        ip("netns", "add", name);
        try {
            ip("-n", name, "link", "add", "eth0", "type", "veth", "peer", "name", "peer0");
            PodNetwork network = new PodNetwork(Path.of("/proc"), new Namespaces());
            List<InterfaceCounters> counters = network.read(Path.of("/run/netns", name), List.of());
            assertNotNull(counters);
            assertEquals(java.util.Set.of("eth0", "peer0"), counters.stream().map(InterfaceCounters::name)
                    .collect(java.util.stream.Collectors.toSet()));
            List<InterfaceCounters> host = network.read(Path.of("/proc/self/ns/net"), List.of());
            assertTrue(host.stream().noneMatch(c -> c.name().equals("peer0")), "the host's view is its own");
        } finally {
            ip("netns", "del", name);
        }
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + output);
    }
}
