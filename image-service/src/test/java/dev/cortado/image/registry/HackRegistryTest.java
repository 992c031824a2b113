package dev.cortado.image.registry;

import dev.cortado.hack.image.BrokenTestImages;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.image.TestIndex;
import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.hack.registry.RegistryOptions;
import dev.cortado.image.content.Digest;
import dev.cortado.image.manifest.Descriptor;
import dev.cortado.image.manifest.ImageConfig;
import dev.cortado.image.manifest.ImageIndex;
import dev.cortado.image.manifest.ImageManifest;
import dev.cortado.image.manifest.ManifestParser;
import dev.cortado.image.manifest.MediaTypes;
import dev.cortado.image.manifest.ParsedManifest;
import dev.cortado.image.manifest.Platform;
import dev.cortado.image.manifest.PlatformSelector;
import dev.cortado.image.reference.ImageReference;
import dev.cortado.image.registry.RegistryException.Kind;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole distribution path (reference, manifest or index, platform, config, layers) against
 * the project's own registry harness and test images from cortado-hack.
 */
class HackRegistryTest {

    private static RegistryClient newClient() {
        return new RegistryClient(RegistryConfig.defaults());
    }

    /** Fetches the manifest for the host platform, following an index; returns it parsed. */
    private static ImageManifest resolve(RegistrySession session, Platform platform) throws Exception {
        FetchedManifest fetched = session.fetchManifest();
        ParsedManifest parsed = ManifestParser.parse(fetched.body(), fetched.mediaType(), session.reference().toString());
        while (parsed instanceof ImageIndex index) {
            Descriptor chosen = PlatformSelector.select(index, platform, session.reference().toString());
            fetched = session.fetchManifest(chosen.digest().toString());
            parsed = ManifestParser.parse(fetched.body(), fetched.mediaType(), session.reference().toString());
        }
        return (ImageManifest) parsed;
    }

    private static Digest streamDigest(RegistrySession session, Descriptor layer) throws Exception {
        MessageDigest sha = layer.digest().newHasher();
        try (InputStream in = new DigestInputStream(session.openBlob(layer.digest(), layer.size()), sha)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return Digest.of(sha.digest());
    }

    @Test
    void pullsThroughTokenAuthAndReusesTheToken() throws Exception {
        try (LocalRegistry registry = LocalRegistry.startWithTokenAuth("carol", "pw");
             RegistryClient client = newClient()) {
            dev.cortado.hack.image.TestImage image = TestImages.layered(registry);
            ImageReference ref = ImageReference.parse(image.reference());
            RegistrySession session = client.session(ref, Credentials.basic("carol", "pw"));
            ImageManifest manifest = resolve(session, Platform.host());
            assertEquals(image.layerDigests().size(), manifest.layers().size());
            byte[] configBytes = session.fetchBlobBytes(manifest.config().digest(), manifest.config().size(),
                    client.config().maxConfigBytes());
            ImageConfig config = ImageConfig.parse(configBytes, ref.toString());
            assertEquals(image.diffIds(), config.diffIds().stream().map(Digest::toString).toList());
            for (Descriptor layer : manifest.layers()) {
                assertEquals(layer.digest(), streamDigest(session, layer));
            }
            int tokens = registry.tokenRequests();
            client.session(ref, Credentials.basic("carol", "pw")).fetchManifest();
            assertEquals(tokens, registry.tokenRequests(), "the cached token serves the second session");

            RegistryException wrong = assertThrows(RegistryException.class,
                    () -> client.session(ref, Credentials.basic("carol", "nope")).fetchManifest());
            assertEquals(Kind.UNAUTHORIZED, wrong.kind());
            assertTrue(wrong.getMessage().contains(registry.hostPort()), wrong.getMessage());
            assertEquals(Kind.UNAUTHORIZED, assertThrows(RegistryException.class,
                    () -> client.session(ref, Credentials.anonymous()).fetchManifest()).kind());
        }
    }

    @Test
    void selectsThePlatformFromOciIndexAndDockerList() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(); RegistryClient client = newClient()) {
            for (TestIndex index : new TestIndex[] {TestImages.multiArch(registry), TestImages.multiArchDockerList(registry)}) {
                RegistrySession session = client.session(ImageReference.parse(index.reference()), Credentials.anonymous());
                FetchedManifest top = session.fetchManifest();
                assertEquals(index.digest(), top.digest().toString());
                assertInstanceOf(ImageIndex.class, ManifestParser.parse(top.body(), top.mediaType()));
                for (String arch : new String[] {"amd64", "arm64"}) {
                    ImageManifest chosen = resolve(session, Platform.of("linux", arch, null));
                    assertEquals(index.forArchitecture(arch).configDigest(), chosen.config().digest().toString());
                }
                RegistryException none = assertThrows(RegistryException.class,
                        () -> resolve(session, Platform.of("linux", "s390x", null)));
                assertTrue(none.getMessage().startsWith("no manifest for linux/s390x in " + index.reference()
                        + "; available: "), none.getMessage());
            }
        }
    }

    @Test
    void zstdLayersAreAccepted() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(); RegistryClient client = newClient()) {
            dev.cortado.hack.image.TestImage image = TestImages.zstd(registry);
            RegistrySession session = client.session(ImageReference.parse(image.reference()), Credentials.anonymous());
            ImageManifest manifest = resolve(session, Platform.host());
            assertTrue(manifest.layers().stream().anyMatch(l -> l.mediaType().equals(MediaTypes.OCI_LAYER_TAR_ZSTD)));
        }
    }

    @Test
    void schema1IsRefusedClearly() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(RegistryOptions.plain().withSchema1(true));
             RegistryClient client = newClient()) {
            BrokenTestImages.schema1(registry);
            RegistryException e = assertThrows(RegistryException.class, () -> client.session(
                    ImageReference.parse(registry.hostPort() + "/broken/schema1:latest"), Credentials.anonymous())
                    .fetchManifest());
            assertEquals(Kind.UNSUPPORTED, e.kind());
            assertTrue(e.getMessage().startsWith("schema 1 manifests are not supported: "), e.getMessage());
        }
    }

    @Test
    void brokenImagesFailWithTheRightKinds() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start(); RegistryClient client = newClient()) {
            dev.cortado.hack.image.TestImage big = BrokenTestImages.oversizedConfig(registry, 9 << 20);
            RegistrySession bigSession = client.session(ImageReference.parse(big.reference()), Credentials.anonymous());
            ImageManifest bigManifest = resolve(bigSession, Platform.host());
            assertEquals(Kind.TOO_LARGE, assertThrows(RegistryException.class, () -> bigSession.fetchBlobBytes(
                    bigManifest.config().digest(), bigManifest.config().size(), client.config().maxConfigBytes())).kind());

            dev.cortado.hack.image.TestImage bad = BrokenTestImages.nonJsonConfig(registry);
            RegistrySession badSession = client.session(ImageReference.parse(bad.reference()), Credentials.anonymous());
            ImageManifest badManifest = resolve(badSession, Platform.host());
            byte[] config = badSession.fetchBlobBytes(badManifest.config().digest(), badManifest.config().size(),
                    client.config().maxConfigBytes());
            RegistryException json = assertThrows(RegistryException.class, () -> ImageConfig.parse(config, bad.reference()));
            assertTrue(json.getMessage().startsWith("config of " + bad.reference() + " is not valid JSON"), json.getMessage());

            dev.cortado.hack.image.TestImage missing = BrokenTestImages.missingLayer(registry);
            RegistrySession missingSession = client.session(ImageReference.parse(missing.reference()), Credentials.anonymous());
            Descriptor layer = resolve(missingSession, Platform.host()).layers().get(0);
            assertEquals(Kind.NOT_FOUND, assertThrows(RegistryException.class,
                    () -> missingSession.openBlob(layer.digest(), layer.size())).kind());

            dev.cortado.hack.image.TestImage corrupt = BrokenTestImages.corruptedLayer(registry);
            RegistrySession corruptSession = client.session(ImageReference.parse(corrupt.reference()), Credentials.anonymous());
            Descriptor corrupted = resolve(corruptSession, Platform.host()).layers().get(0);
            assertTrue(!corrupted.digest().equals(streamDigest(corruptSession, corrupted)),
                    "the stream hands over what the registry sent; the caller's digest check catches it");
        }
    }
}
