package dev.cortado.image.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortado.image.registry.RegistryException;

/** Reads one descriptor object, and the platform inside it, out of manifest JSON. */
final class DescriptorReader {

    private DescriptorReader() {
    }

    static Descriptor read(JsonNode node, String what) throws RegistryException {
        if (node == null || !node.isObject()) {
            throw JsonFields.invalid(what, "a descriptor must be an object");
        }
        String mediaType = JsonFields.requiredText(node, "mediaType", what);
        return new Descriptor(
                mediaType,
                JsonFields.requiredDigest(node, "digest", what),
                JsonFields.requiredSize(node, "size", what),
                JsonFields.optionalStrings(node, "urls", what),
                JsonFields.optionalStringMap(node, "annotations", what),
                readPlatform(JsonFields.optionalObject(node, "platform", what), what + ", platform"));
    }

    private static Platform readPlatform(JsonNode node, String what) throws RegistryException {
        if (node == null) {
            return null;
        }
        return new Platform(
                JsonFields.requiredText(node, "os", what),
                JsonFields.requiredText(node, "architecture", what),
                JsonFields.optionalText(node, "variant", what),
                JsonFields.optionalText(node, "os.version", what));
    }
}
