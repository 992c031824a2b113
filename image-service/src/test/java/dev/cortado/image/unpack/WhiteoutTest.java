package dev.cortado.image.unpack;

import dev.cortado.hack.files.FileFacts;
import static dev.cortado.hack.files.FileFacts.exists;
import static dev.cortado.hack.files.FileFacts.gid;
import static dev.cortado.hack.files.FileFacts.mode;
import static dev.cortado.hack.files.FileFacts.rdev;
import static dev.cortado.hack.files.FileFacts.uid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.linux.Syscalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OCI whiteouts become overlayfs whiteouts, and overlayfs reads them as such. */
class WhiteoutTest {

    private static Syscalls sys;

    @TempDir
    Path tmp;
    private Path layer;

    @BeforeAll
    static void load() {
        sys = new Syscalls();
    }

    @BeforeEach
    void makeLayerDir() throws IOException {
        layer = Files.createDirectory(tmp.resolve("layer"));
    }

    private UnpackStats unpack(byte[] tar, Path into) throws IOException {
        return new LayerUnpacker(sys, true).unpack(new ByteArrayInputStream(tar), into);
    }

    private static void assertWhiteout(Path p) throws IOException {
        assertEquals(0020000, mode(p) & 0170000, p + " is a character device");
        assertEquals(0, rdev(p), p + " is device 0:0");
        assertEquals(0, uid(p));
        assertEquals(0, gid(p));
    }

    @Test
    void whiteoutFileBecomesACharacterDevice00() throws IOException {
        byte[] tar = new TarBuilder()
                .dir("etc/")
                .file("etc/.wh.motd", "")
                .file("var/lib/.wh.apt", "")
                .file(".wh.top", "")
                .build();
        UnpackStats stats = unpack(tar, layer);
        assertWhiteout(layer.resolve("etc/motd"));
        assertWhiteout(layer.resolve("var/lib/apt"));
        assertWhiteout(layer.resolve("top"));
        assertFalse(exists(layer.resolve("etc/.wh.motd")));
        assertFalse(exists(layer.resolve(".wh.top")));
        assertEquals(new UnpackStats(4, 0, 6), stats); // etc, var, var/lib and three whiteouts
    }

    @Test
    void opaqueMarkerSetsTheXattrOnItsDirectory() throws IOException {
        byte[] tar = new TarBuilder()
                .dir("usr/share/doc/", 0755, 0, 0, TarBuilder.T0)
                .file("usr/share/doc/.wh..wh..opq", "")
                .file("usr/share/doc/kept", "k")
                .file("new/dir/.wh..wh..opq", "") // directory created by the marker
                .file("usr/.wh..wh.plnk", "")
                .dir("usr/.wh..wh.plnk/")
                .build();
        unpack(tar, layer);
        assertArrayEquals(new byte[] {'y'}, sys.lgetxattr(layer.resolve("usr/share/doc"), "trusted.overlay.opaque"));
        assertArrayEquals(new byte[] {'y'}, sys.lgetxattr(layer.resolve("new/dir"), "trusted.overlay.opaque"));
        assertEquals(040755, mode(layer.resolve("new/dir")));
        assertFalse(exists(layer.resolve("usr/share/doc/.wh..wh..opq")));
        assertFalse(exists(layer.resolve("usr/.wh..wh.plnk")));
        assertFalse(sys.llistxattr(layer.resolve("usr")).contains("trusted.overlay.opaque"));
        assertEquals("k", Files.readString(layer.resolve("usr/share/doc/kept")));
    }

    @Test
    void whiteoutReplacesAnEarlierEntryOfTheSameName() throws IOException {
        byte[] tar = new TarBuilder().dir("d/").file("d/f", "x").file(".wh.d", "").build();
        unpack(tar, layer);
        assertWhiteout(layer.resolve("d"));
    }

    @Test
    void overlayfsHidesWhiteoutsAndOpaqueDirectories() throws IOException {
        Path lower = Files.createDirectory(tmp.resolve("lower"));
        Path upper = Files.createDirectory(tmp.resolve("upper"));
        unpack(new TarBuilder()
                .file("gone", "lower")
                .file("kept", "lower")
                .file("opq/old", "lower")
                .build(), lower);
        unpack(new TarBuilder()
                .file(".wh.gone", "")
                .dir("opq/")
                .file("opq/.wh..wh..opq", "")
                .file("opq/new", "upper")
                .build(), upper);
        Path merged = Files.createDirectory(tmp.resolve("merged"));
        // both layers read-only: overlay with two lowerdirs, top first
        sys.mount("overlay", merged, "overlay", 0, "lowerdir=" + upper + ":" + lower);
        try {
            assertFalse(exists(merged.resolve("gone")));
            assertEquals("lower", Files.readString(merged.resolve("kept")));
            assertFalse(exists(merged.resolve("opq/old")));
            assertEquals("upper", Files.readString(merged.resolve("opq/new")));
        } finally {
            sys.umount2(merged, 0);
        }
        assertTrue(Files.isDirectory(merged, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void whiteoutBytesAreNotCountedAsContent() throws IOException {
        byte[] tar = new TarBuilder().file(".wh.x", "ignored content".getBytes(StandardCharsets.UTF_8), 0644, 0, 0,
                TarBuilder.T0).build();
        assertEquals(0, unpack(tar, layer).bytesWritten());
        assertWhiteout(layer.resolve("x"));
    }
}
