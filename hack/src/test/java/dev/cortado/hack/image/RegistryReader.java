package dev.cortado.hack.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.hack.registry.RegistryClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** Fetches a pushed image back over HTTP and checks every digest, as a puller would. */
final class RegistryReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCEPT_ALL = String.join(", ", MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
            MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);

    private final RegistryClient client;

    RegistryReader(RegistryClient client) {
        this.client = client;
    }

    /** GETs a manifest and checks its digest, media type and Docker-Content-Digest header. */
    JsonNode manifest(String repository, String reference, String expectedDigest, String expectedMediaType)
            throws IOException {
        HttpResponse<byte[]> response = client.get("/v2/" + repository + "/manifests/" + reference, ACCEPT_ALL);
        assertEquals(200, response.statusCode(), () -> "GET manifest " + repository + ":" + reference);
        assertEquals(expectedDigest, Digests.sha256(response.body()));
        assertEquals(expectedDigest, response.headers().firstValue("Docker-Content-Digest").orElse(""));
        assertEquals(expectedMediaType, response.headers().firstValue("Content-Type").orElse(""));
        return JSON.readTree(response.body());
    }

    byte[] blob(String repository, String digest) {
        HttpResponse<byte[]> response = client.get("/v2/" + repository + "/blobs/" + digest);
        assertEquals(200, response.statusCode(), () -> "GET blob " + digest);
        return response.body();
    }

    /** Pulls the whole image and checks manifest, config, layer digests and diff_ids. */
    void verify(TestImage image) throws IOException {
        String reference = image.tag() != null ? image.tag() : image.manifestDigest();
        JsonNode manifest = manifest(image.repository(), reference, image.manifestDigest(), image.manifestMediaType());
        assertEquals(image.configDigest(), manifest.get("config").get("digest").asText());
        byte[] config = blob(image.repository(), image.configDigest());
        assertEquals(image.configDigest(), Digests.sha256(config));
        JsonNode configJson = JSON.readTree(config);
        List<String> diffIds = new ArrayList<>();
        configJson.get("rootfs").get("diff_ids").forEach(node -> diffIds.add(node.asText()));
        assertEquals(image.diffIds(), diffIds);
        assertEquals(image.platform().architecture(), configJson.get("architecture").asText());

        List<String> layerDigests = new ArrayList<>();
        manifest.get("layers").forEach(node -> layerDigests.add(node.get("digest").asText()));
        assertEquals(image.layerDigests(), layerDigests);
        for (int i = 0; i < image.layerDigests().size(); i++) {
            JsonNode descriptor = manifest.get("layers").get(i);
            byte[] layer = blob(image.repository(), image.layerDigests().get(i));
            assertEquals(image.layerDigests().get(i), Digests.sha256(layer));
            assertEquals(descriptor.get("size").asLong(), layer.length);
            Compression compression = descriptor.get("mediaType").asText().endsWith("zstd") ? Compression.ZSTD
                    : descriptor.get("mediaType").asText().endsWith("gzip") ? Compression.GZIP : Compression.NONE;
            byte[] tar = LayerBuilderTest.decompress(compression, layer);
            assertEquals(image.diffIds().get(i), Digests.sha256(tar));
            assertArrayEquals(image.image().layers().get(i).bytes(), layer);
        }
    }
}
