package dev.cortado.hack.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.hack.image.Layer;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullBenchmarkTest {
    private static final Pattern LINE = Pattern.compile("PULL label=inmemory run=2 cold_s=\\d+\\.\\d{3} "
            + "cold_mbps=\\d+\\.\\d warm_s=\\d+\\.\\d{4} rss_mib=\\d+\\.\\d peak_rss_mib=\\d+\\.\\d "
            + "compressed_mb=\\d+\\.\\d image_id=sha256:[0-9a-f]{64}");

    @TempDir
    Path dir;

    @Test
    void timesColdAndWarmPullsAndRefusesAFilledStore() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestImage image = TestImages.large(registry, "bench/small", "v1", 1, 1024 * 1024, 3);
            try (InMemoryCriServer runtime = new InMemoryCriServer(dir, image.imageId(), 300)) {
                PullOptions options = new PullOptions(runtime.endpoint(), image.reference(), null,
                        ProcessHandle.current().pid(), 2, 3, image.imageId(), null, 60, 10);
                PullResult result = new PullBenchmark(options).run();
                assertEquals("inmemory", result.label());
                assertTrue(result.coldSeconds() >= 0.3, result.summary());
                assertTrue(result.warmSeconds() < result.coldSeconds(), result.summary());
                assertEquals(image.image().layers().stream().mapToLong(Layer::size).sum(), result.compressedBytes());
                assertEquals(image.imageId(), result.imageId());
                assertEquals(4, runtime.pulls.get(), "one cold and three warm pulls");
                assertTrue(LINE.matcher(result.line()).matches(), result.line());

                BenchmarkException filled = assertThrows(BenchmarkException.class,
                        () -> new PullBenchmark(options).run());
                assertTrue(filled.getMessage().contains("already has"), filled.getMessage());
            }
        }
    }

    @Test
    void wrongImageIdFails() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestImage image = TestImages.large(registry, "bench/small", "v1", 1, 64 * 1024, 3);
            try (InMemoryCriServer runtime = new InMemoryCriServer(dir, "sha256:" + "0".repeat(64), 0)) {
                PullOptions options = new PullOptions(runtime.endpoint(), image.reference(), "x", -1, 1, 1,
                        image.imageId(), null, 60, 10);
                BenchmarkException e = assertThrows(BenchmarkException.class,
                        () -> new PullBenchmark(options).run());
                assertTrue(e.getMessage().contains("registry's image ID is " + image.imageId()), e.getMessage());
            }
        }
    }

    @Test
    void unreachableRuntimeIsNamed() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestImage image = TestImages.large(registry, "bench/small", "v1", 1, 64 * 1024, 3);
            PullOptions options = new PullOptions("unix://" + dir.resolve("none.sock"), image.reference(), null,
                    -1, 1, 1, null, null, 5, 1);
            BenchmarkException e = assertThrows(BenchmarkException.class,
                    () -> new PullBenchmark(options).run());
            assertTrue(e.getMessage().contains("UNAVAILABLE"), e.getMessage());

            PullOptions labelled = new PullOptions("unix://" + dir.resolve("none.sock"), image.reference(), "late",
                    -1, 1, 1, null, null, 5, 1);
            long start = System.nanoTime();
            BenchmarkException waited = assertThrows(BenchmarkException.class,
                    () -> new PullBenchmark(labelled).run());
            assertTrue(waited.getMessage().contains("not answering after 1 s"), waited.getMessage());
            assertTrue(System.nanoTime() - start >= 1_000_000_000L, "waited for the daemon to come up");
        }
    }
}
