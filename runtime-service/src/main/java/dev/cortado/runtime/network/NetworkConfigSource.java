package dev.cortado.runtime.network;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The network configuration in the configuration directory, re-read whenever the directory
 * changes: each look lists the directory and compares the candidate files' names, sizes and
 * modification times with the last parse (a few stat calls; no watcher thread to keep alive).
 * Plugin binaries are looked up on every look, so one installed later makes the network ready.
 */
public final class NetworkConfigSource {

    static final String NO_CONFIG = "NoNetworkConfig";
    private static final Logger LOG = Logger.getLogger(NetworkConfigSource.class.getName());

    private final Path confDir;
    private final List<Path> binDirs;
    private final NetworkConfigParser parser = new NetworkConfigParser();
    private String lastFingerprint;
    private NetworkConfig lastConfig;
    private NetworkState lastProblem;

    public NetworkConfigSource(Path confDir, List<Path> binDirs) {
        this.confDir = confDir;
        this.binDirs = List.copyOf(binDirs);
    }

    public Path confDir() {
        return confDir;
    }

    public List<Path> binDirs() {
        return binDirs;
    }

    /** The plugin search path as CNI_PATH spells it. */
    public String cniPath() {
        return binDirs.stream().map(Path::toString).collect(Collectors.joining(":"));
    }

    public synchronized NetworkState current() {
        List<Path> files = candidates();
        if (files.isEmpty()) {
            remember(null, null, null);
            return NetworkState.notReady(null, NO_CONFIG, "no network config found in " + confDir);
        }
        Path first = files.get(0);
        String fingerprint = fingerprint(first);
        if (!fingerprint.equals(lastFingerprint)) {
            try {
                NetworkConfig config = parser.parse(first, Files.readAllBytes(first));
                remember(fingerprint, config, null);
                LOG.info("network config " + first + ": network \"" + config.name() + "\" (CNI " + config.cniVersion()
                        + ", plugins " + String.join(", ", config.pluginTypes()) + ")");
            } catch (NetworkConfigParser.InvalidNetworkConfigException e) {
                remember(fingerprint, null, NetworkState.notReady(null, "InvalidNetworkConfig", e.getMessage()));
                LOG.warning("network config unusable: " + e.getMessage());
            } catch (IOException e) {
                return NetworkState.notReady(null, "InvalidNetworkConfig", "cannot read " + first + ": " + e);
            }
        }
        if (lastProblem != null) {
            return lastProblem;
        }
        Map<String, Path> plugins = new LinkedHashMap<>();
        for (String type : lastConfig.pluginTypes()) {
            Path binary = find(type);
            if (binary == null) {
                return NetworkState.notReady(lastConfig, "PluginNotFound", "plugin " + type + " not found in "
                        + cniPath() + " (network config " + lastConfig.source() + ")");
            }
            plugins.put(type, binary);
        }
        return NetworkState.ready(lastConfig, plugins);
    }

    /** The binary of a plugin type: the first executable file of that name in the plugin dirs. */
    public Path find(String type) {
        for (Path dir : binDirs) {
            Path candidate = dir.resolve(type);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private void remember(String fingerprint, NetworkConfig config, NetworkState problem) {
        lastFingerprint = fingerprint;
        lastConfig = config;
        lastProblem = problem;
    }

    /** Configuration files in lexical order, as libcni orders them; hidden files are editors' temporaries. */
    private List<Path> candidates() {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(confDir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith(".") && (name.endsWith(".conf") || name.endsWith(".conflist")
                        || name.endsWith(".json")) && Files.isRegularFile(entry)) {
                    files.add(entry);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException absent) {
            return List.of();
        } catch (IOException e) {
            LOG.warning("cannot list network config dir " + confDir + ": " + e.getMessage());
            return List.of();
        }
        files.sort(null);
        return files;
    }

    private static String fingerprint(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return file + "|" + attributes.size() + "|" + attributes.lastModifiedTime().toMillis() + "|"
                    + attributes.fileKey();
        } catch (IOException e) {
            return file + "|unreadable";
        }
    }
}
