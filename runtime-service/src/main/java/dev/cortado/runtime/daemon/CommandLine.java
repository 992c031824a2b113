package dev.cortado.runtime.daemon;

import dev.cortado.runtime.config.ConfigException;
import dev.cortado.runtime.config.ConfigLoader;
import dev.cortado.runtime.config.DaemonConfig;
import dev.cortado.runtime.config.ListenAddress;
import dev.cortado.runtime.config.LogLevels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's flags. Precedence: embedded defaults, then the config file, then flags.
 */
public final class CommandLine {

    static final String USAGE = """
            Usage: cortado [flags]

            cortado is a Kubernetes container runtime serving the CRI v1 API on a unix socket.
            It needs no configuration file; every setting has a default.

            Flags:
              --config <file>        TOML configuration (default /etc/cortado/cortado.toml, used if present)
              --root <dir>           persistent state: images, snapshots, metadata (default /var/lib/cortado)
              --state <dir>          volatile state: socket, mounts (default /run/cortado)
              --socket <path>        the CRI socket (default /run/cortado/cortado.sock, or <state>/cortado.sock)
              --log-level <level>    error, warn, info or debug (default info)
              --max-concurrent-downloads <n>
                                     layers downloaded and unpacked at once (default 3)
              --cni-conf-dir <dir>   CNI network configuration (default /etc/cni/net.d; first file in
                                     lexical order of *.conf, *.conflist, *.json)
              --cni-bin-dir <dirs>   CNI plugin directories, ':'-separated, searched in order
                                     (default /opt/cni/bin:/usr/lib/cni)
              --metrics-address <host:port>
                                     serve Prometheus metrics at http://<host:port>/metrics
                                     (default: off; "off" turns a configured endpoint off)
              --streaming-address <host:port>
                                     where exec/attach/port-forward URLs point (default 127.0.0.1:0,
                                     a free loopback port)
              --version              print the version and exit
              -h, --help             print this help and exit

            Configuration file keys (all optional):
              root, state, socket, log_level, max_concurrent_downloads
              [cni] conf_dir = "/etc/cni/net.d", bin_dirs = ["/opt/cni/bin", "/usr/lib/cni"]
              [metrics] address = "127.0.0.1:9090"         Prometheus endpoint (off unless set)
              [registry] insecure = ["host:port", ...]     plain HTTP / unverified TLS allowed
              [registry.mirrors."docker.io"] endpoint = ["http://127.0.0.1:5000", ...]
              [registry.configs."host".auth] username, password, auth, identitytoken
              [streaming] address = "127.0.0.1:0"         the exec/attach/port-forward server

            Point crictl at it:  crictl --runtime-endpoint unix:///run/cortado/cortado.sock images
            Point a kubelet at it: --container-runtime-endpoint=unix:///run/cortado/cortado.sock
            """;

    private static final List<String> VALUED = List.of("--config", "--root", "--state", "--socket", "--log-level",
            "--max-concurrent-downloads", "--cni-conf-dir", "--cni-bin-dir", "--metrics-address",
            "--streaming-address");

    /** What the command line asks for: run with a configuration, or print help or the version. */
    public record Parsed(DaemonConfig config, boolean help, boolean version) {
    }

    private CommandLine() {
    }

    public static Parsed parse(String[] args) throws ConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                return new Parsed(null, true, false);
            }
            if (arg.equals("--version")) {
                return new Parsed(null, false, true);
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!VALUED.contains(name)) {
                throw new ConfigException("unknown flag \"" + arg + "\" (see --help)");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new ConfigException("flag " + name + " needs a value");
                }
                value = args[++i];
            }
            values.put(name, value);
        }
        DaemonConfig config = DaemonConfig.defaults();
        String file = values.get("--config");
        if (file != null) {
            Path path = Path.of(file);
            if (!Files.isRegularFile(path)) {
                throw new ConfigException("config file " + path + " does not exist");
            }
            config = ConfigLoader.load(path, config);
        } else if (Files.isRegularFile(DaemonConfig.DEFAULT_FILE)) {
            config = ConfigLoader.load(DaemonConfig.DEFAULT_FILE, config);
        }
        return new Parsed(overrides(values, config), false, false);
    }

    private static DaemonConfig overrides(Map<String, String> flags, DaemonConfig config) throws ConfigException {
        Path root = absolute(flags, "--root", config.root());
        Path state = absolute(flags, "--state", config.state());
        Path defaultSocket = flags.containsKey("--state") && !flags.containsKey("--socket")
                ? state.resolve("cortado.sock") : config.socket();
        Path socket = absolute(flags, "--socket", defaultSocket);
        String level = config.logLevel();
        if (flags.containsKey("--log-level")) {
            try {
                level = LogLevels.check(flags.get("--log-level"));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--log-level: " + e.getMessage());
            }
        }
        int downloads = config.maxConcurrentDownloads();
        if (flags.containsKey("--max-concurrent-downloads")) {
            try {
                downloads = Integer.parseInt(flags.get("--max-concurrent-downloads"));
            } catch (NumberFormatException e) {
                downloads = -1;
            }
            if (downloads < 1 || downloads > 64) {
                throw new ConfigException("--max-concurrent-downloads must be a whole number from 1 to 64");
            }
        }
        ListenAddress metrics = config.metrics();
        if (flags.containsKey("--metrics-address")) {
            String address = flags.get("--metrics-address");
            metrics = address.equals("off") ? null : ListenAddress.parse(address, "--metrics-address");
        }
        ListenAddress streamingAddress = config.streamingAddress();
        if (flags.containsKey("--streaming-address")) {
            streamingAddress = ListenAddress.parse(flags.get("--streaming-address"), "--streaming-address");
        }
        return new DaemonConfig(root, state, socket, level, downloads, config.registries(), cni(flags, config.cni()),
                metrics, streamingAddress);
    }

    private static DaemonConfig.CniSettings cni(Map<String, String> flags, DaemonConfig.CniSettings base)
            throws ConfigException {
        Path confDir = absolute(flags, "--cni-conf-dir", base.confDir());
        List<Path> binDirs = base.binDirs();
        String dirs = flags.get("--cni-bin-dir");
        if (dirs != null) {
            binDirs = new java.util.ArrayList<>();
            for (String dir : dirs.split(":")) {
                if (dir.isEmpty() || !Path.of(dir).isAbsolute()) {
                    throw new ConfigException("--cni-bin-dir must be ':'-separated absolute paths, not \"" + dirs
                            + "\"");
                }
                binDirs.add(Path.of(dir));
            }
        }
        return new DaemonConfig.CniSettings(confDir, binDirs);
    }

    private static Path absolute(Map<String, String> flags, String flag, Path fallback) throws ConfigException {
        String value = flags.get(flag);
        if (value == null) {
            return fallback;
        }
        Path path = Path.of(value);
        if (!path.isAbsolute()) {
            throw new ConfigException(flag + " must be an absolute path, not \"" + value + "\"");
        }
        return path;
    }
}
