package dev.cortado.runtime.daemon;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {

    @TempDir
    Path dir;

    @Test
    void findsOverlayInThisKernel() {
        assertDoesNotThrow(() -> Preflight.requireOverlayfs(Path.of("/proc/filesystems")));
    }

    @Test
    void saysSoWhenTheKernelLacksOverlayfs() throws Exception {
        Path filesystems = dir.resolve("filesystems");
        Files.writeString(filesystems, "nodev\tsysfs\nnodev\ttmpfs\n\text4\nnodev\toverlayish\n");
        StartupException e = assertThrows(StartupException.class, () -> Preflight.requireOverlayfs(filesystems));
        assertTrue(e.getMessage().contains("lacks overlayfs"), e.getMessage());
    }
}
