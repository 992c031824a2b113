package dev.cortado.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.cortado.runtime.config.DaemonConfig.CniSettings;
import dev.cortado.runtime.config.DaemonConfig.RegistryAuth;
import dev.cortado.runtime.config.DaemonConfig.RegistrySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code cortado.toml} over the defaults. Unknown keys are errors: a misspelt key that
 * silently did nothing would cost an operator far more than a refusal to start.
 */
public final class ConfigLoader {

    private static final Set<String> TOP = Set.of("root", "state", "socket", "log_level",
            "max_concurrent_downloads", "registry", "cni", "metrics", "streaming");
    private static final Set<String> CNI = Set.of("conf_dir", "bin_dirs");
    private static final Set<String> REGISTRY = Set.of("mirrors", "configs", "insecure");
    private static final Set<String> REGISTRY_HOST = Set.of("auth");
    private static final Set<String> AUTH = Set.of("username", "password", "auth", "identitytoken");

    private ConfigLoader() {
    }

    public static DaemonConfig load(Path file, DaemonConfig base) throws ConfigException {
        JsonNode tree;
        try {
            tree = new TomlMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException(file + ": " + e.getMessage());
        }
        return apply(file.toString(), tree, base);
    }

    static DaemonConfig apply(String source, JsonNode tree, DaemonConfig base) throws ConfigException {
        checkKeys(source, "", tree, TOP);
        Path root = path(source, tree, "root", base.root());
        Path state = path(source, tree, "state", base.state());
        Path socket = path(source, tree, "socket", tree.has("state") && !tree.has("socket")
                ? state.resolve("cortado.sock") : base.socket());
        String logLevel = base.logLevel();
        if (tree.has("log_level")) {
            try {
                logLevel = LogLevels.check(text(source, tree, "log_level"));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(source + ": " + e.getMessage());
            }
        }
        int downloads = tree.has("max_concurrent_downloads")
                ? positive(source, tree.get("max_concurrent_downloads"), "max_concurrent_downloads")
                : base.maxConcurrentDownloads();
        RegistrySettings registries = tree.has("registry") ? registry(source, tree.get("registry")) : base.registries();
        ListenAddress metrics = base.metrics();
        if (tree.has("metrics")) {
            JsonNode table = tree.get("metrics");
            checkKeys(source, "metrics.", table, Set.of("address"));
            if (table.has("address")) {
                String address = text(source, table, "address");
                metrics = address.equals("off") ? null : ListenAddress.parse(address, source + ": metrics.address");
            }
        }
        CniSettings cni = tree.has("cni") ? cni(source, tree.get("cni"), base.cni()) : base.cni();
        ListenAddress streamingAddress = tree.has("streaming") ? streaming(source, tree.get("streaming"))
                : base.streamingAddress();
        return new DaemonConfig(root, state, socket, logLevel, downloads, registries, cni, metrics,
                streamingAddress);
    }

    private static CniSettings cni(String source, JsonNode node, CniSettings base) throws ConfigException {
        checkKeys(source, "cni.", node, CNI);
        Path confDir = path(source, node, "conf_dir", base.confDir());
        List<Path> binDirs = base.binDirs();
        if (node.has("bin_dirs")) {
            binDirs = new ArrayList<>();
            for (String dir : strings(source, node.get("bin_dirs"), "cni.bin_dirs")) {
                Path path = Path.of(dir);
                if (!path.isAbsolute()) {
                    throw new ConfigException(source + ": cni.bin_dirs entries must be absolute paths, not \"" + dir
                            + "\"");
                }
                binDirs.add(path);
            }
            if (binDirs.isEmpty()) {
                throw new ConfigException(source + ": cni.bin_dirs must name at least one directory");
            }
        }
        return new CniSettings(confDir, binDirs);
    }

    private static ListenAddress streaming(String source, JsonNode node) throws ConfigException {
        checkKeys(source, "streaming.", node, Set.of("address"));
        if (!node.has("address")) {
            return DaemonConfig.defaults().streamingAddress();
        }
        return ListenAddress.parse(text(source, node, "address"), source + ": streaming.address");
    }

    private static RegistrySettings registry(String source, JsonNode node) throws ConfigException {
        checkKeys(source, "registry.", node, REGISTRY);
        Map<String, List<String>> mirrors = new LinkedHashMap<>();
        JsonNode mirrorTable = node.path("mirrors");
        for (Iterator<Map.Entry<String, JsonNode>> it = mirrorTable.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String where = "registry.mirrors.\"" + entry.getKey() + "\"";
            checkKeys(source, where + ".", entry.getValue(), Set.of("endpoint"));
            mirrors.put(entry.getKey(), strings(source, entry.getValue().path("endpoint"), where + ".endpoint"));
        }
        Map<String, RegistryAuth> auth = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.path("configs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String where = "registry.configs.\"" + entry.getKey() + "\"";
            checkKeys(source, where + ".", entry.getValue(), REGISTRY_HOST);
            JsonNode a = entry.getValue().path("auth");
            if (!a.isMissingNode()) {
                checkKeys(source, where + ".auth.", a, AUTH);
                auth.put(entry.getKey(), new RegistryAuth(a.path("username").asText(""), a.path("password").asText(""),
                        a.path("auth").asText(""), a.path("identitytoken").asText("")));
            }
        }
        List<String> insecure = node.has("insecure") ? strings(source, node.get("insecure"), "registry.insecure")
                : List.of();
        return new RegistrySettings(mirrors, auth, insecure);
    }

    private static void checkKeys(String source, String prefix, JsonNode node, Set<String> allowed)
            throws ConfigException {
        if (!node.isObject()) {
            throw new ConfigException(source + ": " + (prefix.isEmpty() ? "the file" : prefix) + " must be a table");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ConfigException(source + ": unknown key \"" + prefix + name + "\" (known: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static Path path(String source, JsonNode tree, String key, Path fallback) throws ConfigException {
        if (!tree.has(key)) {
            return fallback;
        }
        Path value = Path.of(text(source, tree, key));
        if (!value.isAbsolute()) {
            throw new ConfigException(source + ": " + key + " must be an absolute path, not \"" + value + "\"");
        }
        return value;
    }

    private static String text(String source, JsonNode tree, String key) throws ConfigException {
        JsonNode value = tree.get(key);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new ConfigException(source + ": " + key + " must be a non-empty string");
        }
        return value.asText();
    }

    private static int positive(String source, JsonNode value, String key) throws ConfigException {
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1 || value.asInt() > 64) {
            throw new ConfigException(source + ": " + key + " must be a whole number from 1 to 64, not " + value);
        }
        return value.asInt();
    }

    private static List<String> strings(String source, JsonNode value, String key) throws ConfigException {
        if (!value.isArray()) {
            throw new ConfigException(source + ": " + key + " must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new ConfigException(source + ": " + key + " must be a list of strings");
            }
            out.add(item.asText());
        }
        return out;
    }
}
