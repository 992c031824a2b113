package dev.cortado.hack.image;

import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.hack.registry.RegistryException;
import dev.cortado.hack.registry.SigningKey;
import dev.cortado.hack.registry.TempDirs;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Images that are wrong on purpose, for tests of how a puller rejects bad input. Each uses a layer
 * of its own (the base files plus a marker file), so corrupting or deleting it does not disturb
 * the standard images in the same registry.
 */
public final class BrokenTestImages {
    private BrokenTestImages() {
    }

    /**
     * {@code broken/diffids:latest}: a valid layer, but the config's rootfs.diff_ids holds the
     * sha256 of something else. The true diff_id is {@code image().layers().get(0).diffId()}.
     */
    public static TestImage mismatchedDiffIds(LocalRegistry registry) {
        Layer layer = markedLayer("diff_ids in the config do not match this layer");
        BuiltImage image = TestImages.base(ImageBuilder.oci())
                .layer(layer, "COPY rootfs")
                .diffIds(List.of(Digests.sha256("not the layer".getBytes(StandardCharsets.UTF_8))))
                .build();
        return TestImages.push(registry, "broken/diffids", "latest", image);
    }

    /**
     * {@code broken/corrupt:latest}: pushed intact, then one byte of its only layer's stored data
     * is flipped, so the registry serves bytes whose sha256 is not {@code layerDigests().get(0)}.
     */
    public static TestImage corruptedLayer(LocalRegistry registry) {
        Layer layer = markedLayer("this layer is corrupted in the registry on purpose");
        BuiltImage image = TestImages.base(ImageBuilder.oci()).layer(layer, "COPY rootfs").build();
        TestImage pushed = TestImages.push(registry, "broken/corrupt", "latest", image);
        registry.corruptBlob(layer.digest());
        return pushed;
    }

    /**
     * {@code broken/missing:latest}: pushed intact, then its only layer is deleted through the
     * registry API, so the manifest names a blob the registry answers 404 for.
     */
    public static TestImage missingLayer(LocalRegistry registry) {
        Layer layer = markedLayer("this layer is deleted from the registry on purpose");
        BuiltImage image = TestImages.base(ImageBuilder.oci()).layer(layer, "COPY rootfs").build();
        TestImage pushed = TestImages.push(registry, "broken/missing", "latest", image);
        RegistryPusher pusher = RegistryPusher.to(registry);
        URI uri = pusher.client().uri("/v2/broken/missing/blobs/" + layer.digest());
        HttpResponse<String> response = pusher.client().send(HttpRequest.newBuilder(uri).DELETE(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new RegistryException("cannot delete layer " + layer.digest(), uri, response.statusCode(), response.body());
        }
        return pushed;
    }

    /**
     * {@code broken/bigconfig:latest}: a runnable busybox image whose config JSON is padded (a label
     * {@code dev.cortado.padding}) to at least {@code configBytes} bytes, e.g. 20 MB.
     */
    public static TestImage oversizedConfig(LocalRegistry registry, int configBytes) {
        String padding = "x".repeat(Math.max(0, configBytes));
        BuiltImage image = TestImages.base(ImageBuilder.oci())
                .label("dev.cortado.padding", padding)
                .layer(BusyboxRootfs.layer(Compression.GZIP), "COPY busybox rootfs /")
                .build();
        return TestImages.push(registry, "broken/bigconfig", "latest", image);
    }

    /**
     * {@code broken/badconfig:latest}: the config blob is not JSON at all (the registry does not
     * look inside configs, so it stores it).
     */
    public static TestImage nonJsonConfig(LocalRegistry registry) {
        BuiltImage image = ImageBuilder.oci()
                .layer(BusyboxRootfs.layer(Compression.GZIP), "COPY busybox rootfs /")
                .rawConfig("this is not JSON {".getBytes(StandardCharsets.UTF_8))
                .build();
        return TestImages.push(registry, "broken/badconfig", "latest", image);
    }

    /**
     * {@code broken/schema1:latest}: a signed Docker schema 1 manifest over the busybox base layer
     * (which is pushed first). The registry stores it; its reported digest is the sha256 of the
     * unsigned payload ({@link Schema1Builder.Schema1Manifest#payloadDigest()}).
     */
    public static Schema1Builder.Schema1Manifest schema1(LocalRegistry registry) {
        Path keyDir = TempDirs.create("cortado-schema1-key-");
        try {
            SigningKey key = SigningKey.generate(keyDir);
            Layer layer = BusyboxRootfs.layer(Compression.GZIP);
            Schema1Builder.Schema1Manifest manifest = Schema1Builder.build("broken/schema1", "latest",
                    Platform.LINUX_AMD64, List.of(layer), key);
            RegistryPusher pusher = RegistryPusher.to(registry);
            pusher.pushBlob("broken/schema1", layer);
            String digest = pusher.pushManifest("broken/schema1", "latest", MediaTypes.DOCKER_SCHEMA1_SIGNED,
                    manifest.signedBytes());
            if (!digest.equals(manifest.payloadDigest())) {
                throw new IllegalStateException("registry reports schema 1 digest " + digest + ", expected "
                        + manifest.payloadDigest());
            }
            return manifest;
        } finally {
            try {
                TempDirs.deleteTree(keyDir);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot remove " + keyDir, e);
            }
        }
    }

    /** The base files plus a marker file, so the layer's digest is unique to its purpose. */
    private static Layer markedLayer(String marker) {
        return new LayerBuilder()
                .addAll(BusyboxRootfs.entries())
                .file("marker.txt", marker + "\n", 0644)
                .build(Compression.GZIP);
    }
}
