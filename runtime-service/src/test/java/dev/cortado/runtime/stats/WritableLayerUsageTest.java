package dev.cortado.runtime.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WritableLayerUsageTest {

    @TempDir
    Path dir;

    @Test
    void walkCountsBytesAndInodesWithHardLinksOnce() throws Exception {
        Files.createDirectories(dir.resolve("etc/sub"));
        Files.write(dir.resolve("etc/a"), new byte[1000]);
        Files.write(dir.resolve("etc/sub/b"), new byte[24]);
        Files.createLink(dir.resolve("etc/sub/a-link"), dir.resolve("etc/a"));
        Files.createSymbolicLink(dir.resolve("etc/to-a"), Path.of("a"));

        LayerUsage usage = WritableLayerUsage.walk(dir);

        assertEquals(1024, usage.bytes());
        assertEquals(5, usage.inodes(), "etc, etc/sub, a (once), b, the symlink");
        assertTrue(usage.timestamp() > 0);
    }

    @Test
    void answersFromTheCacheAndRefreshesInTheBackground() throws Exception {
        Path upper = Files.createDirectories(dir.resolve("upper"));
        Map<String, Path> containers = new ConcurrentHashMap<>(Map.of("c1", upper));
        try (WritableLayerUsage usage = new WritableLayerUsage(() -> containers, Duration.ofMillis(200))) {
            Optional<LayerUsage> first = usage.usage("c1", upper);
            assertTrue(first.isEmpty(), "nothing walked yet: the answer does not wait for a walk");
            awaitBytes(usage, upper, 0);
            Files.write(upper.resolve("new"), new byte[4096]);
            awaitBytes(usage, upper, 4096);

            containers.remove("c1");
            usage.forget("c1");
            Thread.sleep(500);
            assertTrue(usage.usage("c2", dir.resolve("missing")).isEmpty());
        }
    }

    private static void awaitBytes(WritableLayerUsage usage, Path upper, long bytes) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<LayerUsage> now = usage.usage("c1", upper);
            if (now.isPresent() && now.get().bytes() == bytes) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("writable layer usage never reached " + bytes + " bytes");
    }
}
