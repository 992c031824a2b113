package dev.cortado.hack.image;

import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.hack.registry.RegistryClient;
import dev.cortado.hack.registry.RegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pushes blobs and manifests through the registry HTTP API: HEAD to skip blobs already there,
 * monolithic upload (POST, then PUT {@code ?digest=}), and PUT of manifests with their media type
 * as Content-Type. Authentication (Basic or token) is answered by the {@link RegistryClient}.
 * What distribution 2.8 refuses (with 400 MANIFEST_INVALID): manifest bodies that are not JSON,
 * unsigned schema 1 manifests, and manifests whose referenced blobs or child manifests are missing.
 */
public final class RegistryPusher {
    private final RegistryClient client;
    private final AtomicInteger uploaded = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();

    public RegistryPusher(RegistryClient client) {
        this.client = client;
    }

    /** A pusher authenticated as the registry's user (if it has one). */
    public static RegistryPusher to(LocalRegistry registry) {
        return new RegistryPusher(registry.client());
    }

    public RegistryClient client() {
        return client;
    }

    /** Blobs uploaded so far. */
    public int blobsUploaded() {
        return uploaded.get();
    }

    /** Blobs found already present (HEAD 200) and not uploaded again. */
    public int blobsSkipped() {
        return skipped.get();
    }

    /**
     * Pushes the layers, the config and the manifest; tags it when {@code tag} is non-null.
     * Returns the manifest digest the registry reports.
     */
    public String push(String repository, String tag, BuiltImage image) {
        for (Layer layer : image.layers()) {
            pushBlob(repository, layer);
        }
        pushBlob(repository, image.config());
        String reference = tag != null ? tag : image.manifestDigest();
        return pushManifest(repository, reference, image.manifestMediaType(), image.manifest().bytes());
    }

    /** Pushes every image of the index by digest, then the index under {@code tag} (or its digest). */
    public String push(String repository, String tag, BuiltIndex index) {
        for (BuiltImage image : index.images()) {
            push(repository, null, image);
        }
        String reference = tag != null ? tag : index.digest();
        return pushManifest(repository, reference, index.mediaType(), index.index().bytes());
    }

    /** Whether the registry already has this blob in this repository. */
    public boolean hasBlob(String repository, String digest) {
        int status = client.head("/v2/" + repository + "/blobs/" + digest).statusCode();
        if (status == 200) {
            return true;
        }
        if (status == 404) {
            return false;
        }
        throw new RegistryException("cannot check for blob " + digest + " in " + repository,
                client.uri("/v2/" + repository + "/blobs/" + digest), status, "");
    }

    /** Uploads a blob unless present; returns whether it was uploaded. */
    public boolean pushBlob(String repository, Blob blob) {
        if (hasBlob(repository, blob.digest())) {
            skipped.incrementAndGet();
            return false;
        }
        uploadBlob(repository, blob);
        uploaded.incrementAndGet();
        return true;
    }

    /** Uploads a blob even if present, in one monolithic POST + PUT. */
    public void uploadBlob(String repository, Blob blob) {
        URI start = client.uri("/v2/" + repository + "/blobs/uploads/");
        HttpResponse<String> started = client.send(HttpRequest.newBuilder(start)
                .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) {
            throw new RegistryException("cannot start upload of " + blob.digest() + " to " + repository,
                    start, started.statusCode(), started.body());
        }
        String location = started.headers().firstValue("Location").orElseThrow(() -> new RegistryException(
                "upload start for " + blob.digest() + " gave no Location", start, 202, started.body()));
        URI target = start.resolve(location);
        String separator = target.getRawQuery() == null ? "?" : "&";
        URI put = URI.create(target + separator + "digest=" + URLEncoder.encode(blob.digest(), StandardCharsets.UTF_8));
        HttpResponse<String> finished = client.send(HttpRequest.newBuilder(put)
                .header("Content-Type", "application/octet-stream")
                .PUT(bodyOf(blob)), HttpResponse.BodyHandlers.ofString());
        if (finished.statusCode() != 201) {
            throw new RegistryException("upload of blob " + blob.digest() + " (" + blob.size() + " bytes) to "
                    + repository + " failed", put, finished.statusCode(), finished.body());
        }
    }

    /**
     * PUTs a manifest body as-is with {@code mediaType} as Content-Type; returns the digest the
     * registry reports. Throws {@link RegistryException} (with status and body) if it refuses.
     */
    public String pushManifest(String repository, String reference, String mediaType, byte[] body) {
        URI uri = client.uri("/v2/" + repository + "/manifests/" + reference);
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri)
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new RegistryException("registry refused manifest " + repository + ":" + reference
                    + " (" + mediaType + ")", uri, response.statusCode(), response.body());
        }
        return response.headers().firstValue("Docker-Content-Digest").orElse(Digests.sha256(body));
    }

    private static HttpRequest.BodyPublisher bodyOf(Blob blob) {
        if (blob instanceof BytesBlob bytes) {
            return HttpRequest.BodyPublishers.ofByteArray(bytes.bytes());
        }
        if (blob instanceof Layer layer && layer.file() != null) {
            try {
                return HttpRequest.BodyPublishers.ofFile(layer.file());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read layer file " + layer.file() + ": " + e.getMessage(), e);
            }
        }
        if (blob instanceof Layer layer) {
            return HttpRequest.BodyPublishers.ofByteArray(layer.data());
        }
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return blob.open();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open blob " + blob.digest() + ": " + e.getMessage(), e);
            }
        }), blob.size());
    }
}
