package dev.cortado.hack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.hack.image.MediaTypes;
import dev.cortado.hack.registry.RegistryClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;

/**
 * What a cold pull must download, read from the image's manifest on a plain-HTTP benchmark
 * registry: the compressed layer bytes (config and manifest are a few KiB and left out, so that
 * MB/s means layer throughput). Only single-platform manifests: the benchmark images are.
 *
 * @param layers          how many layers the manifest lists
 * @param compressedBytes the sum of their {@code size} fields
 */
public record RemoteImageSize(int layers, long compressedBytes) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Fetches the manifest of {@code reference} (e.g. {@code 127.0.0.1:5000/bench/large:v1}) over HTTP. */
    public static RemoteImageSize fetch(String reference) {
        Reference ref = Reference.parse(reference);
        RegistryClient client = new RegistryClient(URI.create("http://" + ref.host()), null);
        String path = "/v2/" + ref.repository() + "/manifests/" + ref.tagOrDigest();
        HttpResponse<byte[]> response = client.get(path, MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + client.uri(path) + " answered " + response.statusCode()
                    + ": is the benchmark registry running and the image pushed?");
        }
        JsonNode manifest;
        try {
            manifest = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("manifest of " + reference + " is not JSON: " + e.getMessage(), e);
        }
        JsonNode layers = manifest.path("layers");
        if (!layers.isArray() || layers.isEmpty()) {
            throw new IllegalStateException("manifest of " + reference + " lists no layers (an index? media type "
                    + manifest.path("mediaType").asText("unknown") + "); benchmark a single-platform image");
        }
        long total = 0;
        for (JsonNode layer : layers) {
            if (!layer.path("size").canConvertToLong()) {
                throw new IllegalStateException("manifest of " + reference + " has a layer without a size: " + layer);
            }
            total += layer.path("size").asLong();
        }
        return new RemoteImageSize(layers.size(), total);
    }

    /** {@code host[:port]/repo/sitory(:tag|@digest)}; the host part is required. */
    record Reference(String host, String repository, String tagOrDigest) {
        static Reference parse(String reference) {
            int slash = reference.indexOf('/');
            if (slash <= 0) {
                throw new IllegalArgumentException("image reference \"" + reference
                        + "\" has no registry host; write it as 127.0.0.1:PORT/repo:tag");
            }
            String host = reference.substring(0, slash);
            String rest = reference.substring(slash + 1);
            int at = rest.indexOf('@');
            if (at >= 0) {
                return new Reference(host, rest.substring(0, at), rest.substring(at + 1));
            }
            int colon = rest.lastIndexOf(':');
            if (colon > rest.lastIndexOf('/')) {
                return new Reference(host, rest.substring(0, colon), rest.substring(colon + 1));
            }
            return new Reference(host, rest, "latest");
        }
    }
}
