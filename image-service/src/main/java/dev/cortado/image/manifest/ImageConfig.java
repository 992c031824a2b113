package dev.cortado.image.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortado.image.content.Digest;
import dev.cortado.image.registry.RegistryException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An image's config blob (OCI image config or Docker container image v1), the parts a runtime
 * uses. That {@code diffIds} has one entry per manifest layer is for the caller to check, since
 * only it holds both.
 */
public record ImageConfig(String architecture, String os, String variant, String osVersion, String created,
                          String author, ExecutionConfig config, List<Digest> diffIds, List<HistoryEntry> history) {

    public ImageConfig {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(os, "os");
        config = config == null ? ExecutionConfig.EMPTY : config;
        diffIds = List.copyOf(diffIds);
        history = history == null ? List.of() : List.copyOf(history);
    }

    public static ImageConfig parse(byte[] json) throws RegistryException {
        return parse(json, "image");
    }

    /** @param source what the config belongs to, for messages (e.g. "image docker.io/library/x:1") */
    public static ImageConfig parse(byte[] json, String source) throws RegistryException {
        String what = "config of " + source;
        JsonNode root = JsonFields.readObject(json, what);
        JsonNode rootfs = JsonFields.optionalObject(root, "rootfs", what);
        if (rootfs == null) {
            throw JsonFields.invalid(what, "\"rootfs\" is missing");
        }
        String type = JsonFields.requiredText(rootfs, "type", what + ", rootfs");
        if (!type.equals("layers")) {
            throw JsonFields.invalid(what, "rootfs.type must be \"layers\", got \"" + type + "\"");
        }
        List<Digest> diffIds = new ArrayList<>();
        List<JsonNode> ids = JsonFields.requiredArray(rootfs, "diff_ids", what + ", rootfs");
        for (int i = 0; i < ids.size(); i++) {
            JsonNode id = ids.get(i);
            if (!id.isTextual()) {
                throw JsonFields.invalid(what, "rootfs.diff_ids[" + i + "] must be a string");
            }
            try {
                diffIds.add(Digest.parse(id.textValue()));
            } catch (IllegalArgumentException e) {
                throw JsonFields.invalid(what, "rootfs.diff_ids[" + i + "]: " + e.getMessage());
            }
        }
        return new ImageConfig(
                JsonFields.requiredText(root, "architecture", what),
                JsonFields.requiredText(root, "os", what),
                JsonFields.optionalText(root, "variant", what),
                JsonFields.optionalText(root, "os.version", what),
                JsonFields.optionalText(root, "created", what),
                JsonFields.optionalText(root, "author", what),
                readExecution(JsonFields.optionalObject(root, "config", what), what + ", config"),
                diffIds,
                readHistory(root, what));
    }

    /** The platform this image was built for. */
    public Platform platform() {
        return new Platform(os, architecture, variant, osVersion);
    }

    private static ExecutionConfig readExecution(JsonNode node, String what) throws RegistryException {
        if (node == null) {
            return ExecutionConfig.EMPTY;
        }
        return new ExecutionConfig(
                JsonFields.optionalText(node, "User", what),
                JsonFields.optionalStrings(node, "Env", what),
                JsonFields.optionalStrings(node, "Entrypoint", what),
                JsonFields.optionalStrings(node, "Cmd", what),
                JsonFields.optionalText(node, "WorkingDir", what),
                JsonFields.optionalStringMap(node, "Labels", what),
                JsonFields.optionalText(node, "StopSignal", what),
                JsonFields.optionalKeys(node, "ExposedPorts", what),
                JsonFields.optionalKeys(node, "Volumes", what));
    }

    private static List<HistoryEntry> readHistory(JsonNode root, String what) throws RegistryException {
        List<HistoryEntry> history = new ArrayList<>();
        List<JsonNode> entries = JsonFields.optionalArray(root, "history", what);
        for (int i = 0; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            String where = what + ", history[" + i + "]";
            if (!entry.isObject()) {
                throw JsonFields.invalid(where, "a history entry must be an object");
            }
            JsonNode empty = entry.get("empty_layer");
            history.add(new HistoryEntry(
                    JsonFields.optionalText(entry, "created", where),
                    JsonFields.optionalText(entry, "created_by", where),
                    JsonFields.optionalText(entry, "author", where),
                    JsonFields.optionalText(entry, "comment", where),
                    empty != null && empty.asBoolean(false)));
        }
        return history;
    }
}
