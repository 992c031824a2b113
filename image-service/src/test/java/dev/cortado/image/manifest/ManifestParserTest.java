package dev.cortado.image.manifest;

import dev.cortado.image.content.Digest;
import dev.cortado.image.registry.RegistryException;
import dev.cortado.image.registry.RegistryException.Kind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestParserTest {

    static final String A = "sha256:" + "a".repeat(64);
    static final String B = "sha256:" + "b".repeat(64);
    static final String C = "sha256:" + "c".repeat(64);

    static String ociManifest(String layerType) {
        return """
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":123},
                 "layers":[{"mediaType":"%s","digest":"%s","size":456,
                            "annotations":{"org.opencontainers.image.title":"base"}},
                           {"mediaType":"%s","digest":"%s","size":7}]}
                """.formatted(A, layerType, B, layerType, C);
    }

    static final String DOCKER_MANIFEST = """
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
             "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"%s","size":1},
             "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"%s","size":2}]}
            """.formatted(A, B);

    static final String OCI_INDEX = """
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
             "manifests":[
               {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":10,
                "platform":{"os":"linux","architecture":"amd64"}},
               {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":11,
                "platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
               {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":12,
                "platform":{"os":"unknown","architecture":"unknown"},
                "annotations":{"vnd.docker.reference.type":"attestation-manifest"}}]}
            """.formatted(A, B, C);

    static final String DOCKER_LIST = """
            {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
             "manifests":[
               {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"%s","size":10,
                "platform":{"os":"linux","architecture":"arm","variant":"v6"}},
               {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"%s","size":11,
                "platform":{"os":"windows","architecture":"amd64","os.version":"10.0.17763.1"}}]}
            """.formatted(A, B);

    static final String SCHEMA1 = """
            {"schemaVersion":1,"name":"library/busybox","tag":"latest","architecture":"amd64",
             "fsLayers":[{"blobSum":"%s"}],"history":[{"v1Compatibility":"{}"}]}
            """.formatted(A);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void parsesOciManifest() throws Exception {
        ParsedManifest parsed = ManifestParser.parse(bytes(ociManifest(MediaTypes.OCI_LAYER_TAR_GZIP)),
                MediaTypes.OCI_MANIFEST);
        ImageManifest manifest = assertInstanceOf(ImageManifest.class, parsed);
        assertEquals(MediaTypes.OCI_MANIFEST, manifest.mediaType());
        assertEquals(Digest.parse(A), manifest.config().digest());
        assertEquals(123, manifest.config().size());
        assertEquals(2, manifest.layers().size());
        assertEquals(Digest.parse(B), manifest.layers().get(0).digest());
        assertEquals(Map.of("org.opencontainers.image.title", "base"), manifest.layers().get(0).annotations());
        assertEquals(123 + 456 + 7, manifest.totalSize());
    }

    @Test
    void parsesDockerSchema2Manifest() throws Exception {
        ImageManifest manifest = assertInstanceOf(ImageManifest.class,
                ManifestParser.parse(bytes(DOCKER_MANIFEST), MediaTypes.DOCKER_MANIFEST + "; charset=utf-8"));
        assertEquals(MediaTypes.DOCKER_MANIFEST, manifest.mediaType());
        assertEquals(MediaTypes.DOCKER_LAYER_TAR_GZIP, manifest.layers().get(0).mediaType());
        assertEquals(MediaTypes.Compression.GZIP, MediaTypes.layerCompression(manifest.layers().get(0).mediaType()));
    }

    @Test
    void parsesOciIndexWithPlatforms() throws Exception {
        ImageIndex index = assertInstanceOf(ImageIndex.class, ManifestParser.parse(bytes(OCI_INDEX), MediaTypes.OCI_INDEX));
        assertEquals(3, index.manifests().size());
        assertEquals(Platform.of("linux", "amd64", null), index.manifests().get(0).platform());
        assertEquals(Platform.of("linux", "arm64", "v8"), index.manifests().get(1).platform());
    }

    @Test
    void parsesDockerManifestList() throws Exception {
        ImageIndex index = assertInstanceOf(ImageIndex.class,
                ManifestParser.parse(bytes(DOCKER_LIST), MediaTypes.DOCKER_MANIFEST_LIST));
        assertEquals(MediaTypes.DOCKER_MANIFEST_LIST, index.mediaType());
        assertEquals("10.0.17763.1", index.manifests().get(1).platform().osVersion());
    }

    @Test
    void genericContentTypeIsDecidedFromTheBody() throws Exception {
        assertInstanceOf(ImageIndex.class, ManifestParser.parse(bytes(OCI_INDEX), "application/json"));
        assertInstanceOf(ImageManifest.class, ManifestParser.parse(bytes(DOCKER_MANIFEST), "application/octet-stream"));
        assertEquals(MediaTypes.DOCKER_MANIFEST, ManifestParser.parse(bytes(DOCKER_MANIFEST), null).mediaType());
        String noMediaType = ociManifest(MediaTypes.OCI_LAYER_TAR).replace(
                "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",", "");
        assertEquals(MediaTypes.OCI_MANIFEST, ManifestParser.parse(bytes(noMediaType), "text/plain").mediaType());
        String indexWithout = OCI_INDEX.replace("\"mediaType\":\"application/vnd.oci.image.index.v1+json\",", "");
        assertEquals(MediaTypes.OCI_INDEX, ManifestParser.parse(bytes(indexWithout), "").mediaType());
    }

    @Test
    void acceptsEveryLayerKind() throws Exception {
        for (String type : List.of(MediaTypes.OCI_LAYER_TAR, MediaTypes.OCI_LAYER_TAR_GZIP, MediaTypes.OCI_LAYER_TAR_ZSTD,
                MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_TAR, MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP,
                MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD, MediaTypes.DOCKER_LAYER_TAR_GZIP,
                MediaTypes.DOCKER_LAYER_FOREIGN_TAR_GZIP)) {
            ImageManifest manifest = (ImageManifest) ManifestParser.parse(bytes(ociManifest(type)), MediaTypes.OCI_MANIFEST);
            assertEquals(type, manifest.layers().get(0).mediaType());
        }
        assertEquals(MediaTypes.Compression.ZSTD, MediaTypes.layerCompression(MediaTypes.OCI_LAYER_TAR_ZSTD));
        assertEquals(MediaTypes.Compression.NONE, MediaTypes.layerCompression(MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_TAR));
    }

    @Test
    void nonDistributableLayersKeepTheirUrls() throws Exception {
        String json = ociManifest(MediaTypes.OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP)
                .replace("\"size\":7}", "\"size\":7,\"urls\":[\"https://example.com/layer\"]}");
        ImageManifest manifest = (ImageManifest) ManifestParser.parse(bytes(json), MediaTypes.OCI_MANIFEST);
        Descriptor layer = manifest.layers().get(1);
        assertTrue(layer.isNonDistributable());
        assertEquals(List.of("https://example.com/layer"), layer.urls());
    }

    @Test
    void refusesSchema1ByContentTypeAndByBody() {
        RegistryException byType = assertThrows(RegistryException.class,
                () -> ManifestParser.parse(bytes(SCHEMA1), MediaTypes.DOCKER_SCHEMA1_SIGNED_MANIFEST, "docker.io/library/old:1"));
        assertEquals(Kind.UNSUPPORTED, byType.kind());
        assertTrue(byType.getMessage().startsWith("schema 1 manifests are not supported: docker.io/library/old:1"),
                byType.getMessage());
        RegistryException byBody = assertThrows(RegistryException.class,
                () -> ManifestParser.parse(bytes(SCHEMA1), "application/json"));
        assertEquals(Kind.UNSUPPORTED, byBody.kind());
        assertTrue(byBody.getMessage().startsWith("schema 1 manifests are not supported"), byBody.getMessage());
    }

    @Test
    void invalidJsonIsAClearProtocolError() {
        RegistryException e = assertThrows(RegistryException.class,
                () -> ManifestParser.parse(bytes("{\"schemaVersion\":2,"), MediaTypes.OCI_MANIFEST, "x.io/app:1"));
        assertEquals(Kind.PROTOCOL, e.kind());
        assertTrue(e.getMessage().startsWith("manifest for x.io/app:1 is not valid JSON: "), e.getMessage());
        assertEquals(Kind.PROTOCOL, assertThrows(RegistryException.class,
                () -> ManifestParser.parse(bytes("[1,2]"), MediaTypes.OCI_MANIFEST)).kind());
        assertEquals(Kind.PROTOCOL, assertThrows(RegistryException.class,
                () -> ManifestParser.parse(new byte[0], MediaTypes.OCI_MANIFEST)).kind());
    }

    @Test
    void refusesDuplicateKeys() {
        String duplicated = DOCKER_MANIFEST.replace("\"schemaVersion\":2,", "\"schemaVersion\":2,\"schemaVersion\":2,");
        RegistryException e = assertThrows(RegistryException.class,
                () -> ManifestParser.parse(bytes(duplicated), MediaTypes.DOCKER_MANIFEST));
        assertTrue(e.getMessage().contains("Duplicate field"), e.getMessage());
    }

    @Test
    void refusesShapeProblemsNamingTheField() {
        String badDigest = DOCKER_MANIFEST.replace(B, "sha256:xyz");
        assertTrue(problem(badDigest, MediaTypes.DOCKER_MANIFEST).contains("layers[0]"), problem(badDigest, MediaTypes.DOCKER_MANIFEST));
        String negativeSize = DOCKER_MANIFEST.replace("\"size\":2", "\"size\":-2");
        assertTrue(problem(negativeSize, MediaTypes.DOCKER_MANIFEST).contains("\"size\""));
        String noConfig = "{\"schemaVersion\":2,\"layers\":[]}";
        assertTrue(problem(noConfig, MediaTypes.OCI_MANIFEST).contains("\"config\" is missing"));
        String noLayers = DOCKER_MANIFEST.replaceAll(",\\s*\"layers\":\\[.*\\]", "");
        assertTrue(problem(noLayers, MediaTypes.DOCKER_MANIFEST).contains("\"layers\" is missing"), problem(noLayers, MediaTypes.DOCKER_MANIFEST));
        String schema3 = DOCKER_MANIFEST.replace("\"schemaVersion\":2", "\"schemaVersion\":3");
        assertTrue(problem(schema3, MediaTypes.DOCKER_MANIFEST).contains("schemaVersion must be 2"));
        String mismatch = DOCKER_MANIFEST;
        assertTrue(problem(mismatch, MediaTypes.OCI_MANIFEST).contains("declares media type"));
    }

    @Test
    void refusesWhatIsNotAContainerImage() {
        String helm = ociManifest(MediaTypes.OCI_LAYER_TAR).replace(MediaTypes.OCI_CONFIG,
                "application/vnd.cncf.helm.config.v1+json");
        RegistryException e = assertThrows(RegistryException.class,
                () -> ManifestParser.parse(bytes(helm), MediaTypes.OCI_MANIFEST, "x.io/chart:1"));
        assertEquals(Kind.UNSUPPORTED, e.kind());
        assertTrue(e.getMessage().contains("not a container image"), e.getMessage());
        RegistryException layer = assertThrows(RegistryException.class, () -> ManifestParser.parse(
                bytes(ociManifest("application/vnd.example.unknown")), MediaTypes.OCI_MANIFEST));
        assertEquals(Kind.UNSUPPORTED, layer.kind());
        assertTrue(layer.getMessage().contains("layer 0"), layer.getMessage());
        RegistryException type = assertThrows(RegistryException.class, () -> ManifestParser.parse(
                bytes(DOCKER_MANIFEST), "application/vnd.oci.artifact.manifest.v1+json"));
        assertEquals(Kind.UNSUPPORTED, type.kind());
    }

    @Test
    void platformOsVersionIsOptional() throws Exception {
        ImageIndex index = (ImageIndex) ManifestParser.parse(bytes(OCI_INDEX), MediaTypes.OCI_INDEX);
        assertNull(index.manifests().get(0).platform().osVersion());
        assertNull(index.manifests().get(0).platform().variant());
    }

    private static String problem(String json, String type) {
        RegistryException e = assertThrows(RegistryException.class, () -> ManifestParser.parse(bytes(json), type));
        assertEquals(Kind.PROTOCOL, e.kind(), e.getMessage());
        return e.getMessage();
    }
}
