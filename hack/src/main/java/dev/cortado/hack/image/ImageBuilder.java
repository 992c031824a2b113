package dev.cortado.hack.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Builds an image config and its manifest (OCI or Docker schema 2) from layers. For bad-input tests
 * the diff_ids, config JSON and manifest JSON can be altered before they are serialised and
 * digested, or the config replaced by arbitrary bytes.
 */
public final class ImageBuilder {
    static final ObjectMapper JSON = new ObjectMapper();

    private final ManifestFormat format;
    private Platform platform = Platform.LINUX_AMD64;
    private Instant created = LayerEntry.DEFAULT_MTIME;
    private String author;
    private String user;
    private final List<String> env = new ArrayList<>();
    private List<String> entrypoint;
    private List<String> cmd;
    private String workingDir;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String stopSignal;
    private final Set<String> exposedPorts = new LinkedHashSet<>();
    private final Set<String> volumes = new LinkedHashSet<>();
    private final List<Layer> layers = new ArrayList<>();
    private final List<ObjectNode> history = new ArrayList<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private List<String> diffIdOverride;
    private UnaryOperator<ObjectNode> configEdit = UnaryOperator.identity();
    private UnaryOperator<ObjectNode> manifestEdit = UnaryOperator.identity();
    private byte[] rawConfig;

    public ImageBuilder(ManifestFormat format) {
        this.format = format;
    }

    public static ImageBuilder oci() {
        return new ImageBuilder(ManifestFormat.OCI);
    }

    public static ImageBuilder docker() {
        return new ImageBuilder(ManifestFormat.DOCKER);
    }

    public ImageBuilder platform(Platform newPlatform) {
        this.platform = newPlatform;
        return this;
    }

    public ImageBuilder created(Instant when) {
        this.created = when;
        return this;
    }

    public ImageBuilder author(String name) {
        this.author = name;
        return this;
    }

    public ImageBuilder user(String newUser) {
        this.user = newUser;
        return this;
    }

    /** Adds {@code KEY=value} entries to Env. */
    public ImageBuilder env(String... entries) {
        env.addAll(List.of(entries));
        return this;
    }

    public ImageBuilder entrypoint(String... args) {
        this.entrypoint = List.of(args);
        return this;
    }

    public ImageBuilder cmd(String... args) {
        this.cmd = List.of(args);
        return this;
    }

    public ImageBuilder workingDir(String dir) {
        this.workingDir = dir;
        return this;
    }

    public ImageBuilder label(String key, String value) {
        labels.put(key, value);
        return this;
    }

    public ImageBuilder stopSignal(String signal) {
        this.stopSignal = signal;
        return this;
    }

    /** E.g. {@code 8080/tcp}. */
    public ImageBuilder exposedPort(String port) {
        exposedPorts.add(port);
        return this;
    }

    public ImageBuilder volume(String path) {
        volumes.add(path);
        return this;
    }

    /** Appends a layer and a history entry naming what created it. */
    public ImageBuilder layer(Layer layer, String createdBy) {
        layers.add(layer);
        ObjectNode entry = JSON.createObjectNode();
        entry.put("created", created.toString());
        entry.put("created_by", createdBy);
        history.add(entry);
        return this;
    }

    public ImageBuilder layer(Layer layer) {
        return layer(layer, "cortado test layer " + (layers.size() + 1));
    }

    /** A history entry for a step that made no layer (ENV, CMD...). */
    public ImageBuilder emptyLayerHistory(String createdBy) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("created", created.toString());
        entry.put("created_by", createdBy);
        entry.put("empty_layer", true);
        history.add(entry);
        return this;
    }

    /** An annotation on the manifest (OCI only; Docker schema 2 has none). */
    public ImageBuilder annotation(String key, String value) {
        annotations.put(key, value);
        return this;
    }

    /** Writes these diff_ids into the config instead of the layers' own (for mismatch tests). */
    public ImageBuilder diffIds(List<String> ids) {
        this.diffIdOverride = List.copyOf(ids);
        return this;
    }

    /** Alters the config JSON tree before it is serialised (e.g. to add 20 MB of padding). */
    public ImageBuilder editConfig(UnaryOperator<ObjectNode> edit) {
        this.configEdit = edit;
        return this;
    }

    /** Alters the manifest JSON tree before it is serialised. */
    public ImageBuilder editManifest(UnaryOperator<ObjectNode> edit) {
        this.manifestEdit = edit;
        return this;
    }

    /** Uses these exact bytes as the config blob (need not be JSON). */
    public ImageBuilder rawConfig(byte[] bytes) {
        this.rawConfig = bytes.clone();
        return this;
    }

    public BuiltImage build() {
        List<String> diffIds = diffIdOverride != null ? diffIdOverride : layers.stream().map(Layer::diffId).toList();
        byte[] configBytes = rawConfig != null ? rawConfig : serialise(configEdit.apply(configJson(diffIds)));
        BytesBlob config = BytesBlob.of(format.configMediaType(), configBytes);
        BytesBlob manifest = BytesBlob.of(format.manifestMediaType(), serialise(manifestEdit.apply(manifestJson(config))));
        return new BuiltImage(format, platform, config, layers, diffIds, manifest);
    }

    private ObjectNode configJson(List<String> diffIds) {
        ObjectNode root = JSON.createObjectNode();
        root.put("created", created.toString());
        if (author != null) {
            root.put("author", author);
        }
        root.put("architecture", platform.architecture());
        root.put("os", platform.os());
        if (platform.variant() != null) {
            root.put("variant", platform.variant());
        }
        ObjectNode config = root.putObject("config");
        if (user != null) {
            config.put("User", user);
        }
        if (!exposedPorts.isEmpty()) {
            ObjectNode ports = config.putObject("ExposedPorts");
            exposedPorts.forEach(port -> ports.putObject(port));
        }
        if (!env.isEmpty()) {
            stringArray(config.putArray("Env"), env);
        }
        if (entrypoint != null) {
            stringArray(config.putArray("Entrypoint"), entrypoint);
        }
        if (cmd != null) {
            stringArray(config.putArray("Cmd"), cmd);
        }
        if (!volumes.isEmpty()) {
            ObjectNode vols = config.putObject("Volumes");
            volumes.forEach(vols::putObject);
        }
        if (workingDir != null) {
            config.put("WorkingDir", workingDir);
        }
        if (!labels.isEmpty()) {
            ObjectNode labelNode = config.putObject("Labels");
            labels.forEach(labelNode::put);
        }
        if (stopSignal != null) {
            config.put("StopSignal", stopSignal);
        }
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        stringArray(rootfs.putArray("diff_ids"), diffIds);
        ArrayNode historyNode = root.putArray("history");
        history.forEach(historyNode::add);
        return root;
    }

    private ObjectNode manifestJson(BytesBlob config) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", format.manifestMediaType());
        descriptor(root.putObject("config"), config.mediaType(), config.digest(), config.size());
        ArrayNode layerArray = root.putArray("layers");
        for (Layer layer : layers) {
            descriptor(layerArray.addObject(), layer.mediaTypeFor(format), layer.digest(), layer.size());
        }
        if (!annotations.isEmpty()) {
            if (format != ManifestFormat.OCI) {
                throw new IllegalStateException("annotations need an OCI manifest; Docker schema 2 has none");
            }
            ObjectNode node = root.putObject("annotations");
            annotations.forEach(node::put);
        }
        return root;
    }

    static void descriptor(ObjectNode node, String mediaType, String digest, long size) {
        node.put("mediaType", mediaType);
        node.put("digest", digest);
        node.put("size", size);
    }

    private static void stringArray(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    static byte[] serialise(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise image JSON: " + e.getMessage(), e);
        }
    }
}
