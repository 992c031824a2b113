package dev.cortado.runtime.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything the daemon is configured with. Every field has a default (see {@link #defaults()}),
 * so cortado runs with no file at all; {@code /etc/cortado/cortado.toml} and flags override.
 *
 * @param root                   persistent state: images, snapshots, metadata
 * @param state                  volatile state: the socket, mounts, shim sockets
 * @param socket                 the CRI socket the kubelet connects to
 * @param logLevel               error, warn, info or debug
 * @param maxConcurrentDownloads layers downloaded and unpacked at once per daemon
 * @param registries             per-registry mirrors, credentials and insecure flags
 * @param cni                    where pod network configuration and CNI plugins are found
 * @param metrics                where the Prometheus endpoint listens; null: no endpoint (the default)
 * @param streamingAddress       host:port of the exec/attach/port-forward server (port 0: any free port)
 */
public record DaemonConfig(Path root, Path state, Path socket, String logLevel, int maxConcurrentDownloads,
                           RegistrySettings registries, CniSettings cni, ListenAddress metrics,
                           ListenAddress streamingAddress) {

    public static final Path DEFAULT_FILE = Path.of("/etc/cortado/cortado.toml");

    public static DaemonConfig defaults() {
        return new DaemonConfig(Path.of("/var/lib/cortado"), Path.of("/run/cortado"),
                Path.of("/run/cortado/cortado.sock"), "info", 3, RegistrySettings.none(), CniSettings.defaults(),
                null, new ListenAddress("127.0.0.1", 0));
    }

    /**
     * Registry settings in the shape containerd's CRI plugin uses.
     *
     * @param mirrors  registry name to the endpoints tried in order before the registry itself
     * @param auth     registry name to static credentials
     * @param insecure registries that may be reached over plain HTTP or unverified TLS
     */
    public record RegistrySettings(Map<String, List<String>> mirrors, Map<String, RegistryAuth> auth,
                                   List<String> insecure) {
        public RegistrySettings {
            mirrors = Map.copyOf(mirrors);
            auth = Map.copyOf(auth);
            insecure = List.copyOf(insecure);
        }

        public static RegistrySettings none() {
            return new RegistrySettings(Map.of(), Map.of(), List.of());
        }
    }

    /** Static credentials for one registry, as a docker config.json or containerd would give them. */
    public record RegistryAuth(String username, String password, String auth, String identityToken) {
    }

    /**
     * CNI locations, as libcni and the kubelet's old network plugins used them.
     *
     * @param confDir network configuration files (the first in lexical order is used)
     * @param binDirs plugin binaries, searched in order
     */
    public record CniSettings(Path confDir, List<Path> binDirs) {
        public CniSettings {
            binDirs = List.copyOf(binDirs);
        }

        /** /opt/cni/bin is where CNI's own releases install; Debian's package uses /usr/lib/cni. */
        public static CniSettings defaults() {
            return new CniSettings(Path.of("/etc/cni/net.d"), List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni")));
        }
    }
}
