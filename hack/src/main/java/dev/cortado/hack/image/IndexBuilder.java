package dev.cortado.hack.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds an OCI image index or a Docker manifest list over images built for several platforms. */
public final class IndexBuilder {
    private final ManifestFormat format;
    private final List<BuiltImage> images = new ArrayList<>();
    private final List<Platform> platforms = new ArrayList<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();

    public IndexBuilder(ManifestFormat format) {
        this.format = format;
    }

    /** Adds an image under the platform it was built for. */
    public IndexBuilder add(BuiltImage image) {
        return add(image, image.platform());
    }

    /** Adds an image under an explicit platform (which may disagree with its config, for tests). */
    public IndexBuilder add(BuiltImage image, Platform platform) {
        images.add(image);
        platforms.add(platform);
        return this;
    }

    public IndexBuilder annotation(String key, String value) {
        annotations.put(key, value);
        return this;
    }

    public BuiltIndex build() {
        ObjectNode root = ImageBuilder.JSON.createObjectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", format.indexMediaType());
        ArrayNode manifests = root.putArray("manifests");
        for (int i = 0; i < images.size(); i++) {
            BuiltImage image = images.get(i);
            Platform platform = platforms.get(i);
            ObjectNode entry = manifests.addObject();
            ImageBuilder.descriptor(entry, image.manifestMediaType(), image.manifestDigest(), image.manifest().size());
            ObjectNode platformNode = entry.putObject("platform");
            platformNode.put("architecture", platform.architecture());
            platformNode.put("os", platform.os());
            if (platform.variant() != null) {
                platformNode.put("variant", platform.variant());
            }
        }
        if (!annotations.isEmpty()) {
            ObjectNode node = root.putObject("annotations");
            annotations.forEach(node::put);
        }
        BytesBlob index = BytesBlob.of(format.indexMediaType(), ImageBuilder.serialise(root));
        return new BuiltIndex(format, index, images);
    }
}
