package dev.cortado.image.manifest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cortado.image.content.Digest;
import dev.cortado.image.registry.RegistryException;
import dev.cortado.image.registry.RegistryException.Kind;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads fields out of manifest and config JSON, turning every shape problem into a
 * {@link RegistryException} of kind PROTOCOL that names the document and the field.
 */
final class JsonFields {

    /**
     * Immutable and thread-safe. Duplicate keys are refused: two readers could otherwise see
     * different layers in the same signed bytes.
     */
    private static final ObjectReader READER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build()
            .reader();

    private JsonFields() {
    }

    /** Parses a whole JSON object; {@code what} reads like "manifest for docker.io/library/x:1". */
    static JsonNode readObject(byte[] body, String what) throws RegistryException {
        JsonNode root;
        try {
            root = READER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new RegistryException(Kind.PROTOCOL, what + " is not valid JSON: " + describe(e), e);
        } catch (IOException e) {
            throw new RegistryException(Kind.PROTOCOL, what + " could not be read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new RegistryException(Kind.PROTOCOL, what + " is not valid JSON: empty document");
        }
        if (!root.isObject()) {
            throw new RegistryException(Kind.PROTOCOL, what + " is not a JSON object");
        }
        return root;
    }

    private static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return e.getOriginalMessage() + where;
    }

    static RegistryException invalid(String what, String problem) {
        return new RegistryException(Kind.PROTOCOL, what + " is invalid: " + problem);
    }

    static String optionalText(JsonNode node, String field, String what) throws RegistryException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(what, "\"" + field + "\" must be a string");
        }
        return value.textValue();
    }

    static String requiredText(JsonNode node, String field, String what) throws RegistryException {
        String value = optionalText(node, field, what);
        if (value == null || value.isEmpty()) {
            throw invalid(what, "\"" + field + "\" is missing");
        }
        return value;
    }

    static long requiredSize(JsonNode node, String field, String what) throws RegistryException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw invalid(what, "\"" + field + "\" is missing");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw invalid(what, "\"" + field + "\" must be a non-negative integer, got " + value);
        }
        return value.longValue();
    }

    static Digest requiredDigest(JsonNode node, String field, String what) throws RegistryException {
        String text = requiredText(node, field, what);
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            throw invalid(what, e.getMessage());
        }
    }

    /** An array field; a missing or null field is an empty list. */
    static List<JsonNode> optionalArray(JsonNode node, String field, String what) throws RegistryException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw invalid(what, "\"" + field + "\" must be an array");
        }
        List<JsonNode> items = new ArrayList<>(value.size());
        value.forEach(items::add);
        return items;
    }

    static List<JsonNode> requiredArray(JsonNode node, String field, String what) throws RegistryException {
        if (node.get(field) == null) {
            throw invalid(what, "\"" + field + "\" is missing");
        }
        return optionalArray(node, field, what);
    }

    /** An array of strings; a missing or null field is null, so "unset" and "empty" stay apart. */
    static List<String> optionalStrings(JsonNode node, String field, String what) throws RegistryException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : optionalArray(node, field, what)) {
            if (!item.isTextual()) {
                throw invalid(what, "\"" + field + "\" must hold only strings");
            }
            items.add(item.textValue());
        }
        return items;
    }

    /** An object of string values; a missing or null field is an empty map. */
    static Map<String, String> optionalStringMap(JsonNode node, String field, String what) throws RegistryException {
        JsonNode value = node.get(field);
        Map<String, String> map = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            return map;
        }
        if (!value.isObject()) {
            throw invalid(what, "\"" + field + "\" must be an object");
        }
        for (Map.Entry<String, JsonNode> entry : iterable(value)) {
            if (!entry.getValue().isTextual()) {
                throw invalid(what, "\"" + field + "\"." + entry.getKey() + " must be a string");
            }
            map.put(entry.getKey(), entry.getValue().textValue());
        }
        return map;
    }

    /** The keys of an object field (docker writes sets as {"80/tcp": {}}); missing is empty. */
    static List<String> optionalKeys(JsonNode node, String field, String what) throws RegistryException {
        JsonNode value = node.get(field);
        List<String> keys = new ArrayList<>();
        if (value == null || value.isNull()) {
            return keys;
        }
        if (!value.isObject()) {
            throw invalid(what, "\"" + field + "\" must be an object");
        }
        value.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** An object field, or null when missing or null. */
    static JsonNode optionalObject(JsonNode node, String field, String what) throws RegistryException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw invalid(what, "\"" + field + "\" must be an object");
        }
        return value;
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
        return object::fields;
    }
}
