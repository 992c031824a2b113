package dev.cortado.runtime.sandbox;

import dev.cortado.cri.v1.DNSConfig;
import dev.cortado.image.metadata.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files every container of a pod shares: its host name, /etc/hosts and resolv.conf, written
 * once at RunPodSandbox into the pod's directory and copied into each container's init layer.
 */
public final class PodFiles {

    static final String DEFAULT_HOSTS = """
            127.0.0.1\tlocalhost
            ::1\tlocalhost ip6-localhost ip6-loopback
            fe00::0\tip6-localnet
            fe00::0\tip6-mcastprefix
            fe00::1\tip6-allnodes
            fe00::2\tip6-allrouters
            """;

    private final Path dir;

    public PodFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path hostname() {
        return dir.resolve("hostname");
    }

    public Path hosts() {
        return dir.resolve("hosts");
    }

    public Path resolvConf() {
        return dir.resolve("resolv.conf");
    }

    public Path shm() {
        return dir.resolve("shm");
    }

    /**
     * Writes the three files. The host's hosts file for a pod on the node's network (it shares the
     * node's addresses), a standard one otherwise; resolv.conf from the kubelet's DNS config, or
     * the host's when the config says nothing.
     */
    public void write(String hostname, DNSConfig dns, boolean hostNetwork) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.writeVolatile(hostname(), (hostname + "\n").getBytes(StandardCharsets.UTF_8));
        byte[] hosts = hostNetwork && Files.isRegularFile(Path.of("/etc/hosts"))
                ? Files.readAllBytes(Path.of("/etc/hosts"))
                : (DEFAULT_HOSTS + (hostname.isEmpty() ? "" : "127.0.1.1\t" + hostname + "\n"))
                        .getBytes(StandardCharsets.UTF_8);
        AtomicFiles.writeVolatile(hosts(), hosts);
        AtomicFiles.writeVolatile(resolvConf(), resolvConf(dns));
    }

    /**
     * Once the pod has an address, its hosts file names the pod's host name by that address
     * (as the kubelet's own managed hosts file does) instead of 127.0.1.1.
     */
    public void writeHosts(String hostname, String podIp) throws IOException {
        String entry = hostname.isEmpty() ? "" : podIp + "\t" + hostname + "\n";
        AtomicFiles.writeVolatile(hosts(), (DEFAULT_HOSTS + entry).getBytes(StandardCharsets.UTF_8));
    }

    static byte[] resolvConf(DNSConfig dns) throws IOException {
        if (dns.getServersCount() == 0 && dns.getSearchesCount() == 0 && dns.getOptionsCount() == 0) {
            Path host = Path.of("/etc/resolv.conf");
            return Files.isReadable(host) ? Files.readAllBytes(host) : new byte[0];
        }
        StringBuilder out = new StringBuilder();
        if (dns.getSearchesCount() > 0) {
            out.append("search ").append(String.join(" ", dns.getSearchesList())).append('\n');
        }
        for (String server : dns.getServersList()) {
            out.append("nameserver ").append(server).append('\n');
        }
        if (dns.getOptionsCount() > 0) {
            out.append("options ").append(String.join(" ", dns.getOptionsList())).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
