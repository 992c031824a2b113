package dev.cortado.runtime.network;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bridge network of one test class, in files of its own: its CNI configuration directory
 * (handed to the daemon, never /etc/cni/net.d), a host-local data dir, and a bridge name and
 * subnet no other class uses. It can say what a pod left on the host (veths on the bridge,
 * iptables rules naming the pod, reserved addresses) and sweeps all of it away at the end.
 */
final class TestBridge {

    private final String network;
    private final String bridge;
    private final String subnetPrefix;
    private final Path confDir;
    private final Path ipamDir;

    /** @param index distinguishes test classes: bridge cni-cortado-t{index}, subnet 10.88.{60+index}.0/24 */
    TestBridge(Path dir, int index) throws IOException {
        this.network = "cortado-t" + index;
        this.bridge = "cni-cortado-t" + index;
        this.subnetPrefix = "10.88." + (60 + index) + ".";
        this.confDir = Files.createDirectories(dir.resolve("net.d"));
        this.ipamDir = Files.createDirectories(dir.resolve("ipam"));
    }

    Path confDir() {
        return confDir;
    }

    String network() {
        return network;
    }

    String subnetPrefix() {
        return subnetPrefix;
    }

    /** The chain: bridge (with host-local IPAM) then portmap, plus any extra plugin objects. */
    String conflist(String... extraPlugins) {
        String extra = extraPlugins.length == 0 ? "" : ",\n    " + String.join(",\n    ", extraPlugins);
        return """
                {
                  "cniVersion": "1.0.0",
                  "name": "%s",
                  "plugins": [
                    {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": true, "hairpinMode": true,
                     "ipam": {"type": "host-local", "ranges": [[{"subnet": "%s0/24"}]],
                              "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "%s"}},
                    {"type": "portmap", "capabilities": {"portMappings": true}}%s
                  ]
                }
                """.formatted(network, bridge, subnetPrefix, ipamDir, extra);
    }

    /** Bridge with an IPv4 and an IPv6 range: every pod gets one address of each. */
    String dualStackConflist() {
        return conflist().replace("[[{\"subnet\": \"" + subnetPrefix + "0/24\"}]]", "[[{\"subnet\": \"" + subnetPrefix
                + "0/24\"}], [{\"subnet\": \"" + ipv6Prefix() + "/64\"}]]").replace("\"routes\": [{\"dst\": \"0.0.0.0/0\"}]",
                "\"routes\": [{\"dst\": \"0.0.0.0/0\"}, {\"dst\": \"::/0\"}]");
    }

    /** This network's IPv6 prefix, e.g. fd00:c0:60:: */
    String ipv6Prefix() {
        return "fd00:c0:" + subnetPrefix.split("\\.")[2] + "::";
    }

    /** Makes {@code content} the only configuration, replaced atomically as an operator's tool would. */
    void install(String fileName, String content) throws IOException {
        clearConfig();
        Path temp = confDir.resolve("." + fileName + ".tmp");
        Files.writeString(temp, content);
        Files.move(temp, confDir.resolve(fileName), StandardCopyOption.ATOMIC_MOVE);
    }

    void installStandard() throws IOException {
        install("10-" + network + ".conflist", conflist());
    }

    void clearConfig() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(confDir)) {
            for (Path file : files) {
                Files.delete(file);
            }
        }
    }

    /** Interfaces (the pods' veth ends) still enslaved to the bridge. */
    List<String> veths() throws IOException {
        Path brif = Path.of("/sys/class/net", bridge, "brif");
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(brif)) {
            try (DirectoryStream<Path> ports = Files.newDirectoryStream(brif)) {
                ports.forEach(p -> names.add(p.getFileName().toString()));
            }
        }
        return names;
    }

    /** iptables rules (every table) that name one of the pods or this network. */
    List<String> iptablesRules(Collection<String> podIds) {
        List<String> found = new ArrayList<>();
        for (String save : List.of("iptables-save", "ip6tables-save")) {
            for (String line : HostCommand.output(save).lines().toList()) {
                if (namesNetwork(line) || podIds.stream().anyMatch(line::contains)) {
                    found.add(save + ": " + line);
                }
            }
        }
        return found;
    }

    /** A rule's comment names the network: name: "net" (iptables -S escapes the quotes). */
    private boolean namesNetwork(String rule) {
        return rule.contains("name: \"" + network + "\"") || rule.contains("name: \\\"" + network + "\\\"");
    }

    /** Addresses host-local still holds reserved for a pod (its per-address files). */
    List<String> reservedAddresses() throws IOException {
        Path dir = ipamDir.resolve(network);
        List<String> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                files.forEach(f -> found.add(f.getFileName().toString()));
            }
        }
        found.removeIf(name -> !name.startsWith(subnetPrefix) && !name.startsWith(ipv6Prefix()));
        return found;
    }

    /** Everything of this network a pod can leave behind, for assertions: empty when clean. */
    List<String> leftovers(Collection<String> podIds) throws IOException {
        List<String> found = new ArrayList<>();
        veths().forEach(v -> found.add("veth " + v + " on " + bridge));
        iptablesRules(podIds).forEach(r -> found.add("iptables: " + r));
        reservedAddresses().forEach(a -> found.add("host-local reservation " + a));
        return found;
    }

    private static final Pattern JUMP = Pattern.compile("-j (CNI-[A-Za-z0-9_-]+)");

    /** Removes the bridge, its veths and every nat/filter rule of this network, whatever the test left. */
    void sweep() {
        for (String tool : List.of("iptables", "ip6tables")) {
            sweep(tool);
        }
        HostCommand.run("ip", "link", "del", bridge);
    }

    private void sweep(String tool) {
        for (String table : List.of("nat", "filter")) {
            List<String> chains = new ArrayList<>();
            for (String rule : HostCommand.run(tool, "-t", table, "-S").output().lines().toList()) {
                if (rule.startsWith("-A ") && namesNetwork(rule)) {
                    Matcher jump = JUMP.matcher(rule);
                    if (jump.find() && !jump.group(1).startsWith("CNI-HOSTPORT") && !jump.group(1).equals("CNI-FORWARD")) {
                        chains.add(jump.group(1));
                    }
                    HostCommand.run("sh", "-c", tool + " -t " + table + " -D " + rule.substring(3));
                }
            }
            for (String chain : chains) {
                HostCommand.run(tool, "-t", table, "-F", chain);
                HostCommand.run(tool, "-t", table, "-X", chain);
            }
        }
    }
}
