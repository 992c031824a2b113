package dev.cortado.runtime.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.cri.v1.Image;
import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.ListImagesRequest;
import dev.cortado.cri.v1.PullImageRequest;
import dev.cortado.hack.bench.CriClient;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.hack.registry.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kill -9 of the daemon at different instants of a pull: after a restart every completed pull
 * is listed and usable, no partial one is, and nothing of a partial one is left on disk.
 */
class CrashRecoveryTest {

    private static LocalRegistry registry;
    private static TestImage large;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void pushImage() {
        registry = LocalRegistry.start();
        large = TestImages.large(registry, 4, 40L << 20);
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @ParameterizedTest(name = "killed {0} ms into the pull")
    @ValueSource(ints = {0, 40, 150, 400, 900, 5000})
    void aKilledPullLeavesEitherTheWholeImageOrNothing(int delayMillis) throws Exception {
        Path dir = TempDirs.create("cortado-crash");
        try {
            try (DaemonProcess daemon = DaemonProcess.start(dir)) {
                CriClient client = CriClient.connect("unix://" + DaemonProcess.socket(dir));
                try {
                    CompletableFuture<?> pull = CompletableFuture.runAsync(() -> client.images().pullImage(
                            PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(large.reference()))
                                    .build()));
                    awaitLog(daemon, "pull started");
                    Thread.sleep(delayMillis);
                    daemon.kill();
                    pull.handle((ok, failed) -> null).join();
                } finally {
                    client.close();
                }
            }
            boolean completed;
            try (DaemonProcess restarted = DaemonProcess.start(dir)) {
                List<Image> images = restarted.client().images().listImages(ListImagesRequest.getDefaultInstance())
                        .getImagesList();
                completed = !images.isEmpty();
                assertConsistent(restarted.root(), completed ? 4 : 0);
                if (completed) {
                    assertEquals(large.imageId(), images.get(0).getId());
                }
                String id = restarted.client().images().pullImage(PullImageRequest.newBuilder()
                        .setImage(ImageSpec.newBuilder().setImage(large.reference())).build()).getImageRef();
                assertEquals(large.imageId(), id, "the image can be pulled again");
                assertConsistent(restarted.root(), 4);
            }
            try (DaemonProcess again = DaemonProcess.start(dir)) {
                assertEquals(1, again.client().images().listImages(ListImagesRequest.getDefaultInstance())
                        .getImagesCount(), "a completed pull survives a restart");
                assertConsistent(again.root(), 4);
            }
        } finally {
            TempDirs.deleteTree(dir);
        }
    }

    /**
     * Every committed snapshot has its directory and short link, every snapshot directory is
     * committed, no partial download remains, and every blob belongs to the listed image.
     */
    private static void assertConsistent(Path root, int expectedSnapshots) throws IOException {
        try (Stream<Path> ingest = Files.list(root.resolve("content/ingest"))) {
            assertEquals(List.of(), ingest.toList(), "partial downloads left in ingest");
        }
        Set<String> committedIds = new HashSet<>();
        Set<String> links = new HashSet<>();
        try (Stream<Path> records = Files.list(root.resolve("metadata/snapshots"))) {
            for (Path record : records.toList()) {
                assertTrue(record.getFileName().toString().endsWith(".json"), "stray file " + record);
                JsonNode snapshot = JSON.readTree(record.toFile());
                committedIds.add(snapshot.get("id").asText());
                links.add(snapshot.get("link").asText());
                Path link = root.resolve("snapshots/l").resolve(snapshot.get("link").asText());
                assertTrue(Files.isSymbolicLink(link), "missing short link " + link);
                assertTrue(Files.isDirectory(link), "dangling short link " + link);
            }
        }
        assertEquals(expectedSnapshots, committedIds.size(), "committed snapshots");
        try (Stream<Path> dirs = Files.list(root.resolve("snapshots"))) {
            for (Path entry : dirs.toList()) {
                String name = entry.getFileName().toString();
                if (!name.equals("l")) {
                    assertTrue(committedIds.contains(name), "uncommitted snapshot directory " + entry);
                    assertTrue(Files.isDirectory(entry.resolve("fs"), LinkOption.NOFOLLOW_LINKS));
                }
            }
        }
        try (Stream<Path> dirs = Files.list(root.resolve("snapshots/l"))) {
            assertEquals(links, new HashSet<>(dirs.map(p -> p.getFileName().toString()).toList()), "short links");
        }
        try (Stream<Path> blobs = Files.list(root.resolve("content/blobs/sha256"))) {
            long count = blobs.count();
            // the complete image keeps its manifest, config and layers; nothing else survives
            assertEquals(expectedSnapshots == 0 ? 0 : 2 + expectedSnapshots, count, "blobs");
        }
    }

    private static void awaitLog(DaemonProcess daemon, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!daemon.log().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("log never said \"" + text + "\":\n" + daemon.log());
            }
            Thread.sleep(5);
        }
    }
}
