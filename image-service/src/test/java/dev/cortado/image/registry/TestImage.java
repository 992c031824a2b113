package dev.cortado.image.registry;

import dev.cortado.hack.image.BytesBlob;
import dev.cortado.hack.image.RegistryPusher;
import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.image.content.Digest;
import dev.cortado.image.manifest.MediaTypes;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/** A small image (config, one pseudo-random layer, manifest) pushed to a test registry. */
record TestImage(byte[] config, Digest configDigest, byte[] layer, Digest layerDigest, byte[] manifest,
                 Digest manifestDigest) {

    static TestImage create(int layerSize, long seed) {
        byte[] layer = new byte[layerSize];
        new Random(seed).nextBytes(layer);
        Digest layerDigest = Digest.sha256Of(layer);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + layerDigest + "\"]}}").getBytes(StandardCharsets.UTF_8);
        Digest configDigest = Digest.sha256Of(config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},"
                + "\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_LAYER_TAR + "\",\"digest\":\"" + layerDigest
                + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        return new TestImage(config, configDigest, layer, layerDigest, manifest, Digest.sha256Of(manifest));
    }

    void pushTo(LocalRegistry registry, String repository, String tag) {
        RegistryPusher pusher = RegistryPusher.to(registry);
        pusher.pushBlob(repository, BytesBlob.of(MediaTypes.OCI_CONFIG, config));
        pusher.pushBlob(repository, BytesBlob.of(MediaTypes.OCI_LAYER_TAR, layer));
        pusher.pushManifest(repository, tag, MediaTypes.OCI_MANIFEST, manifest);
    }

    void pushTo(TlsDockerRegistry registry, String repository, String tag) throws Exception {
        registry.pushBlob(repository, config);
        registry.pushBlob(repository, layer);
        registry.pushManifest(repository, tag, manifest, MediaTypes.OCI_MANIFEST);
    }
}
