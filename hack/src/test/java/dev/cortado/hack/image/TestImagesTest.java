package dev.cortado.hack.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.hack.registry.Credentials;
import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.hack.registry.RegistryClient;
import dev.cortado.hack.registry.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestImagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalRegistry start(String mode) {
        return switch (mode) {
            case "plain" -> LocalRegistry.start();
            case "basic" -> LocalRegistry.startWithBasicAuth("pusher", "pa55:word");
            case "token" -> LocalRegistry.startWithTokenAuth("pusher", "pa55word");
            default -> throw new IllegalArgumentException(mode);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "basic", "token"})
    void standardImagesPushAndPullBackIntact(String mode) throws IOException {
        try (LocalRegistry registry = start(mode)) {
            RegistryReader reader = new RegistryReader(registry.client());
            List<Supplier<TestImage>> images = List.of(
                    () -> TestImages.busybox(registry),
                    () -> TestImages.layered(registry),
                    () -> TestImages.specialFiles(registry),
                    () -> TestImages.zstd(registry),
                    () -> TestImages.withUser(registry));
            for (Supplier<TestImage> supplier : images) {
                TestImage image = supplier.get();
                assertTrue(image.reference().startsWith(registry.hostPort() + "/"), image.reference());
                reader.verify(image);
            }
            TestIndex index = TestImages.multiArch(registry);
            JsonNode indexJson = reader.manifest(index.repository(), index.tag(), index.digest(), MediaTypes.OCI_INDEX);
            assertEquals(2, indexJson.get("manifests").size());
            for (TestImage child : index.images()) {
                reader.verify(child);
            }
            if (mode.equals("token")) {
                assertTrue(registry.tokenRequests() > 0, "the token flow must have been used");
                assertEquals(registry.tokenRequests(), registry.tokensIssued());
            } else {
                assertEquals(0, registry.tokenRequests());
            }
        }
    }

    @Test
    void anonymousClientsPullOnlyWhenTheTokenServerAllowsIt() {
        try (LocalRegistry registry = LocalRegistry.startWithTokenAuth("u", "p", true)) {
            TestImage image = TestImages.busybox(registry);
            RegistryClient anonymous = registry.anonymousClient();
            assertEquals(200, anonymous.get("/v2/busybox/manifests/latest", MediaTypes.OCI_MANIFEST).statusCode());
            RegistryException refused = assertThrows(RegistryException.class,
                    () -> new RegistryPusher(anonymous).push("anonymous-push", "x", image.image()));
            assertEquals(401, refused.status());
        }
        try (LocalRegistry registry = LocalRegistry.startWithTokenAuth("u", "p")) {
            TestImages.busybox(registry);
            RegistryException refused = assertThrows(RegistryException.class,
                    () -> registry.anonymousClient().get("/v2/busybox/manifests/latest", MediaTypes.OCI_MANIFEST));
            assertEquals(401, refused.status());
            assertTrue(refused.getMessage().contains("token server refused"), refused.getMessage());
            RegistryClient wrongPassword = new RegistryClient(registry.baseUri(), new Credentials("u", "wrong"));
            assertEquals(401, assertThrows(RegistryException.class, () -> wrongPassword.get("/v2/")).status());
        }
    }

    @Test
    void busyboxHasTheExpectedShape() throws IOException {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestImage busybox = TestImages.busybox(registry);
            assertEquals(registry.hostPort() + "/busybox:latest", busybox.reference());
            assertEquals(MediaTypes.OCI_MANIFEST, busybox.manifestMediaType());
            assertEquals(1, busybox.layerDigests().size());
            Set<String> names = new HashSet<>();
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(
                    new ByteArrayInputStream(busybox.image().layers().get(0).bytes())))) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    names.add(entry.getName());
                    if (entry.getName().equals("tmp/")) {
                        assertEquals(01777, entry.getMode());
                    }
                }
            }
            assertTrue(names.containsAll(List.of("bin/busybox", "bin/sh", "bin/ls", "bin/httpd", "bin/nc",
                    "etc/passwd", "etc/group", "tmp/", "root/", "proc/", "sys/", "dev/")), names.toString());
            JsonNode config = JSON.readTree(busybox.image().config().bytes());
            assertEquals("[\"/bin/sh\"]", config.get("config").get("Cmd").toString());
            TestImage again = TestImages.busybox(registry, "other/busybox", "v1");
            assertEquals(busybox.manifestDigest(), again.manifestDigest(), "builds are reproducible");
        }
    }

    @Test
    void multiArchVariantsDifferPerPlatform() throws IOException {
        try (LocalRegistry registry = LocalRegistry.start()) {
            for (TestIndex index : List.of(TestImages.multiArch(registry), TestImages.multiArchDockerList(registry))) {
                TestImage amd64 = index.forArchitecture("amd64");
                TestImage arm64 = index.forArchitecture("arm64");
                assertNotEquals(amd64.configDigest(), arm64.configDigest());
                assertEquals("v8", arm64.platform().variant());
                JsonNode list = JSON.readTree(index.index().index().bytes());
                JsonNode armEntry = list.get("manifests").get(1);
                assertEquals("arm64", armEntry.get("platform").get("architecture").asText());
                assertEquals("v8", armEntry.get("platform").get("variant").asText());
                assertEquals(arm64.manifestDigest(), armEntry.get("digest").asText());
                JsonNode armConfig = JSON.readTree(arm64.image().config().bytes());
                assertEquals("arm64", armConfig.get("config").get("Labels").get("dev.cortado.arch").asText());
                assertEquals("v8", armConfig.get("variant").asText());
            }
            RegistryReader reader = new RegistryReader(registry.client());
            reader.manifest("multiarch-docker", "latest", TestImages.multiArchDockerList(registry).digest(),
                    MediaTypes.DOCKER_MANIFEST_LIST);
        }
    }

    @Test
    void withUserConfiguresTheAppUser() throws IOException {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestImage image = TestImages.withUser(registry);
            JsonNode config = JSON.readTree(image.image().config().bytes());
            assertEquals("app", config.get("config").get("User").asText());
            String passwd = new String(LayerBuilderTest.decompress(Compression.GZIP, image.image().layers().get(1).bytes()),
                    java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(passwd.contains("app:x:1234:5678:"), "passwd entry missing");
        }
    }

    @Test
    void pauseImageHoldsOnlyAStaticPauseThatStopsOnSigterm(@TempDir Path dir) throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestImage pause = TestImages.pause(registry, "bench/pause", "v1");
            new RegistryReader(registry.client()).verify(pause);
            JsonNode config = JSON.readTree(pause.image().config().bytes());
            assertEquals("[\"/pause\"]", config.get("config").get("Entrypoint").toString());
            byte[] binary = null;
            List<String> names = new java.util.ArrayList<>();
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(
                    new ByteArrayInputStream(pause.image().layers().get(0).bytes())))) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    names.add(entry.getName());
                    assertEquals(0755, entry.getMode());
                    binary = tar.readAllBytes();
                }
            }
            assertEquals(List.of("pause"), names);
            String text = new String(binary, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("\u007fELF"), "an ELF executable");
            assertFalse(hasProgramInterpreter(binary), "statically linked: no PT_INTERP program header");

            Path program = Files.write(dir.resolve("pause"), binary);
            Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
            Process process = new ProcessBuilder(program.toString()).start();
            try {
                assertFalse(process.waitFor(300, TimeUnit.MILLISECONDS), "pause keeps running");
                process.destroy();  // SIGTERM
                assertTrue(process.waitFor(5, TimeUnit.SECONDS), "pause stops on SIGTERM");
                assertEquals(0, process.exitValue());
            } finally {
                process.destroyForcibly();
            }
        }
    }

    /** Whether an ELF64 little-endian executable names a dynamic loader (a PT_INTERP header, type 3). */
    private static boolean hasProgramInterpreter(byte[] elf) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(elf).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long headers = buffer.getLong(0x20);
        int size = Short.toUnsignedInt(buffer.getShort(0x36));
        int count = Short.toUnsignedInt(buffer.getShort(0x38));
        for (int i = 0; i < count; i++) {
            if (buffer.getInt((int) headers + i * size) == 3) {
                return true;
            }
        }
        return false;
    }

    @Test
    void largeImageIsAboutTheRequestedSizeAndReproducible() throws IOException {
        try (LocalRegistry registry = LocalRegistry.start()) {
            long started = System.nanoTime();
            TestImage large = TestImages.large(registry);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(5, large.layerDigests().size());
            long uncompressed = large.image().layers().stream().mapToLong(Layer::uncompressedSize).sum();
            long compressed = large.image().layers().stream().mapToLong(Layer::size).sum();
            assertTrue(uncompressed > 100L * 1024 * 1024 && uncompressed < 110L * 1024 * 1024, "uncompressed " + uncompressed);
            assertTrue(compressed < uncompressed * 0.9, "content should be partly compressible: " + compressed);
            System.out.printf("large image: %d bytes uncompressed, %d compressed, built and pushed in %d ms%n",
                    uncompressed, compressed, millis);
            RegistryReader reader = new RegistryReader(registry.client());
            reader.manifest("large", "latest", large.manifestDigest(), MediaTypes.OCI_MANIFEST);
            for (String digest : large.layerDigests()) {
                assertEquals(digest, Digests.sha256(reader.blob("large", digest)));
            }
            TestImage small = TestImages.large(registry, "large-small", "a", 3, 3L * 1024 * 1024, 7);
            TestImage same = TestImages.large(registry, "large-small", "b", 3, 3L * 1024 * 1024, 7);
            assertEquals(small.manifestDigest(), same.manifestDigest());
            TestImage other = TestImages.large(registry, "large-small", "c", 3, 3L * 1024 * 1024, 8);
            assertNotEquals(small.layerDigests().get(1), other.layerDigests().get(1));
        }
    }
}
