package dev.cortado.image.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortado.image.registry.RegistryException;
import dev.cortado.image.registry.RegistryException.Kind;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a manifest body into an {@link ImageIndex} or {@link ImageManifest}. The HTTP
 * Content-Type decides the kind when it is specific; when it is generic (application/json,
 * octet-stream, missing) the body's own {@code mediaType}, then its shape, decide. Schema 1 and
 * media types that are not container images are refused as UNSUPPORTED; malformed bodies as
 * PROTOCOL.
 */
public final class ManifestParser {

    private ManifestParser() {
    }

    public static ParsedManifest parse(byte[] body, String contentType) throws RegistryException {
        return parse(body, contentType, "image");
    }

    /**
     * @param source what the manifest belongs to, for messages (e.g. the image reference)
     */
    public static ParsedManifest parse(byte[] body, String contentType, String source) throws RegistryException {
        String what = "manifest for " + source;
        String served = MediaTypes.normalise(contentType);
        if (MediaTypes.isSchema1(served)) {
            throw schema1(source, served);
        }
        JsonNode root = JsonFields.readObject(body, what);
        String declared = JsonFields.optionalText(root, "mediaType", what);
        String kind = decideKind(root, served, declared == null ? null : MediaTypes.normalise(declared), source);
        checkSchemaVersion(root, what);
        if (MediaTypes.isIndex(kind)) {
            return parseIndex(root, kind, what);
        }
        return parseManifest(root, kind, what, source);
    }

    private static String decideKind(JsonNode root, String served, String declared, String source)
            throws RegistryException {
        if (!MediaTypes.isGeneric(served)) {
            if (!MediaTypes.isIndex(served) && !MediaTypes.isManifest(served)) {
                throw new RegistryException(Kind.UNSUPPORTED, "manifest for " + source
                        + " has unsupported media type \"" + served + "\"");
            }
            if (declared != null && !declared.equals(served)) {
                throw JsonFields.invalid("manifest for " + source, "it declares media type \"" + declared
                        + "\" but was served as \"" + served + "\"");
            }
            return served;
        }
        if (declared != null) {
            if (MediaTypes.isSchema1(declared)) {
                throw schema1(source, declared);
            }
            if (!MediaTypes.isIndex(declared) && !MediaTypes.isManifest(declared)) {
                throw new RegistryException(Kind.UNSUPPORTED, "manifest for " + source
                        + " has unsupported media type \"" + declared + "\"");
            }
            return declared;
        }
        JsonNode version = root.get("schemaVersion");
        if (version != null && version.isInt() && version.intValue() == 1) {
            throw schema1(source, "schemaVersion 1");
        }
        if (root.has("manifests")) {
            return MediaTypes.OCI_INDEX;
        }
        if (root.has("config") && root.has("layers")) {
            return MediaTypes.OCI_MANIFEST;
        }
        throw JsonFields.invalid("manifest for " + source,
                "it has no mediaType and neither \"manifests\" nor \"config\" and \"layers\"");
    }

    private static RegistryException schema1(String source, String what) {
        return new RegistryException(Kind.UNSUPPORTED, "schema 1 manifests are not supported: " + source
                + " is " + what + "; push it again with a current docker, buildah or crane to get a schema 2 or OCI manifest");
    }

    private static void checkSchemaVersion(JsonNode root, String what) throws RegistryException {
        JsonNode version = root.get("schemaVersion");
        if (version != null && !(version.isInt() && version.intValue() == 2)) {
            throw JsonFields.invalid(what, "schemaVersion must be 2, got " + version);
        }
    }

    private static ImageIndex parseIndex(JsonNode root, String mediaType, String what) throws RegistryException {
        List<Descriptor> manifests = new ArrayList<>();
        List<JsonNode> entries = JsonFields.requiredArray(root, "manifests", what);
        for (int i = 0; i < entries.size(); i++) {
            manifests.add(DescriptorReader.read(entries.get(i), what + ", manifests[" + i + "]"));
        }
        return new ImageIndex(mediaType, manifests);
    }

    private static ImageManifest parseManifest(JsonNode root, String mediaType, String what, String source)
            throws RegistryException {
        JsonNode configNode = JsonFields.optionalObject(root, "config", what);
        if (configNode == null) {
            throw JsonFields.invalid(what, "\"config\" is missing");
        }
        Descriptor config = DescriptorReader.read(configNode, what + ", config");
        if (!MediaTypes.isConfig(config.mediaType())) {
            throw new RegistryException(Kind.UNSUPPORTED, source + " is not a container image: its config has media type \""
                    + config.mediaType() + "\"");
        }
        List<JsonNode> entries = JsonFields.requiredArray(root, "layers", what);
        List<Descriptor> layers = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            Descriptor layer = DescriptorReader.read(entries.get(i), what + ", layers[" + i + "]");
            if (!MediaTypes.isLayer(layer.mediaType())) {
                throw new RegistryException(Kind.UNSUPPORTED, "layer " + i + " (" + layer.digest() + ") of " + source
                        + " has unsupported media type \"" + layer.mediaType() + "\"");
            }
            layers.add(layer);
        }
        return new ImageManifest(mediaType, config, layers);
    }
}
