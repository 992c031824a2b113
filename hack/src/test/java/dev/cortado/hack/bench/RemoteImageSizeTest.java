package dev.cortado.hack.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.hack.image.Layer;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import org.junit.jupiter.api.Test;

class RemoteImageSizeTest {
    @Test
    void sumsTheLayerSizesOfThePushedManifest() {
        try (LocalRegistry registry = LocalRegistry.start()) {
            TestImage image = TestImages.large(registry, "bench/small", "v1", 2, 2L * 1024 * 1024, 7);
            long expected = image.image().layers().stream().mapToLong(Layer::size).sum();
            assertEquals(new RemoteImageSize(2, expected), RemoteImageSize.fetch(image.reference()));
            assertEquals(new RemoteImageSize(2, expected), RemoteImageSize.fetch(image.digestReference()));
            IllegalStateException missing = assertThrows(IllegalStateException.class,
                    () -> RemoteImageSize.fetch(registry.hostPort() + "/bench/small:nope"));
            assertTrue(missing.getMessage().contains("404"), missing.getMessage());
        }
    }

    @Test
    void parsesReferences() {
        assertEquals(new RemoteImageSize.Reference("127.0.0.1:5000", "bench/large", "v1"),
                RemoteImageSize.Reference.parse("127.0.0.1:5000/bench/large:v1"));
        assertEquals(new RemoteImageSize.Reference("127.0.0.1:5000", "bench/large", "latest"),
                RemoteImageSize.Reference.parse("127.0.0.1:5000/bench/large"));
        assertEquals(new RemoteImageSize.Reference("h:1", "r", "sha256:ab"),
                RemoteImageSize.Reference.parse("h:1/r@sha256:ab"));
        assertThrows(IllegalArgumentException.class, () -> RemoteImageSize.Reference.parse("busybox"));
    }
}
