package dev.cortado.image.unpack;

import dev.cortado.hack.files.FileFacts;
import static dev.cortado.hack.files.FileFacts.exists;
import static dev.cortado.hack.files.FileFacts.mode;
import static dev.cortado.hack.files.FileFacts.nlink;
import static dev.cortado.hack.files.FileFacts.snapshot;
import static dev.cortado.hack.files.FileFacts.uid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.linux.Syscalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers that try to reach outside the layer directory. Each must either be refused with
 * UnsafeLayerException or be confined, and in every case nothing beside the layer directory
 * (a sibling "outside" directory, a canary directory in /tmp, /etc) may change.
 */
class HostileLayerTest {

    private static Syscalls sys;

    @TempDir
    Path tmp;
    private Path layer;
    private Path outside;
    private Path canary;
    private Map<String, String> before;
    private Map<String, String> canaryBefore;

    @BeforeAll
    static void load() {
        sys = new Syscalls();
    }

    @BeforeEach
    void setUp() throws IOException {
        layer = Files.createDirectory(tmp.resolve("layer"));
        outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("file"), "original");
        canary = Files.createDirectory(Path.of("/tmp", "cortado-canary-" + UUID.randomUUID()));
        Files.writeString(canary.resolve("keep"), "canary");
        before = snapshot(tmp, layer);
        canaryBefore = snapshot(canary, null);
    }

    @AfterEach
    void nothingOutsideChanged() throws IOException {
        try {
            assertEquals(before, snapshot(tmp, layer), "something changed beside the layer directory");
            assertEquals(canaryBefore, snapshot(canary, null), "the /tmp canary changed");
        } finally {
            try (Stream<Path> paths = Files.walk(canary)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private void unpack(byte[] tar) throws IOException {
        new LayerUnpacker(sys, true).unpack(new ByteArrayInputStream(tar), layer);
    }

    private UnsafeLayerException refused(byte[] tar) {
        return assertThrows(UnsafeLayerException.class, () -> unpack(tar));
    }

    @Test
    void dotDotName() {
        UnsafeLayerException e = refused(new TarBuilder().file("../evil", "x").build());
        assertEquals("tar entry \"../evil\": name \"../evil\" escapes the layer directory", e.getMessage());
        assertEquals("../evil", e.entryName());
        assertFalse(exists(tmp.resolve("evil")));
    }

    @Test
    void dotDotInTheMiddle() {
        refused(new TarBuilder().dir("a/").file("a/../../evil", "x").build());
        assertFalse(exists(tmp.resolve("evil")));
    }

    @Test
    void dotDotThatStaysInsideIsResolvedLexically() throws IOException {
        unpack(new TarBuilder().file("a/../b", "fine").build());
        assertEquals("fine", Files.readString(layer.resolve("b")));
    }

    @Test
    void absoluteNameStaysInside() throws IOException {
        String name = "/etc/cortado-unpack-test-" + UUID.randomUUID();
        unpack(new TarBuilder().file(name, "inside").build());
        assertEquals("inside", Files.readString(layer.resolve(name.substring(1))));
        assertFalse(exists(Path.of(name)));
    }

    @Test
    void absoluteNameClimbingAboveRootIsRefused() {
        refused(new TarBuilder().file("/../../evil", "x").build());
        assertFalse(exists(tmp.resolve("evil")));
    }

    @Test
    void writeThroughRelativeSymlinkedDirectory() {
        UnsafeLayerException e = refused(new TarBuilder().symlink("d", "../outside").file("d/pwned", "x").build());
        assertTrue(e.getMessage().contains("parent \"d\" is a symlink"), e.getMessage());
        assertFalse(exists(outside.resolve("pwned")));
    }

    @Test
    void writeThroughAbsoluteSymlinkedDirectory() {
        refused(new TarBuilder().symlink("d", canary.toString()).file("d/pwned", "x").build());
        assertFalse(exists(canary.resolve("pwned")));
    }

    @Test
    void deeperPathThroughSymlinkedDirectory() {
        refused(new TarBuilder().dir("a/").symlink("a/b", "../../outside").dir("a/b/c/").build());
        assertFalse(exists(outside.resolve("c")));
    }

    @Test
    void directoryEntryOverASymlinkReplacesTheLink() throws IOException {
        unpack(new TarBuilder().symlink("d", "../outside").dir("d/", 0700, 99, 99, TarBuilder.T0).build());
        assertTrue(Files.isDirectory(layer.resolve("d"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(040700, mode(layer.resolve("d")));
        assertEquals(99, uid(layer.resolve("d")));
    }

    @Test
    void hardlinkToAFileOutside() {
        refused(new TarBuilder().hardlink("h", "../outside/file").build());
        assertFalse(exists(layer.resolve("h")));
    }

    @Test
    void hardlinkToHostPasswdIsNotLinked() throws IOException {
        int links = nlink(Path.of("/etc/passwd"));
        UnsafeLayerException e = refused(new TarBuilder().hardlink("h", "/etc/passwd").build());
        assertEquals("tar entry \"h\": hardlink target \"/etc/passwd\": \"etc\" does not exist in the layer",
                e.getMessage());
        assertEquals(links, nlink(Path.of("/etc/passwd")));
        assertFalse(exists(layer.resolve("h")));
    }

    @Test
    void hardlinkToAMissingFileInsideAnExistingDirectory() {
        UnsafeLayerException e = refused(new TarBuilder().dir("etc/").hardlink("h", "/etc/passwd").build());
        assertEquals("tar entry \"h\": hardlink target \"/etc/passwd\" does not exist in the layer", e.getMessage());
    }

    @Test
    void hardlinkThroughASymlinkedDirectory() {
        refused(new TarBuilder().symlink("d", "../outside").hardlink("h", "d/file").build());
        assertEquals(1, nlinkUnchecked(outside.resolve("file")));
    }

    @Test
    void hardlinkToASymlinkLinksTheSymlinkItself() throws IOException {
        unpack(new TarBuilder().symlink("s", "../outside/file").hardlink("h", "s").build());
        assertTrue(Files.isSymbolicLink(layer.resolve("h")));
        assertEquals(1, nlink(outside.resolve("file")));
    }

    @Test
    void fileOverASymlinkReplacesTheLink() throws IOException {
        unpack(new TarBuilder()
                .symlink("x", "../outside/file")
                .file("x", "pwned")
                .symlink("y", outside.resolve("file").toString())
                .file("y", "pwned too")
                .build());
        assertEquals("pwned", Files.readString(layer.resolve("x")));
        assertFalse(Files.isSymbolicLink(layer.resolve("y")));
        assertEquals("original", Files.readString(outside.resolve("file")));
    }

    @Test
    void deviceAndFifoOverASymlinkReplaceTheLink() throws IOException {
        unpack(new TarBuilder()
                .symlink("n", "../outside/file")
                .node("n", TarConstants.LF_FIFO, 0600, 0, 0)
                .build());
        assertEquals(0010600, mode(layer.resolve("n")));
    }

    @Test
    void symlinkMetadataNeverReachesItsTarget() throws IOException {
        TarArchiveEntry link = TarBuilder.entry("l", TarConstants.LF_SYMLINK);
        link.setLinkName("../outside/file");
        link.setIds(4242, 4242);
        link.setMode(06777);
        unpack(new TarBuilder()
                .pax(Map.of("SCHILY.xattr.trusted.evil", new byte[] {1}))
                .add(link, null)
                .build());
        assertEquals(4242, uid(layer.resolve("l")));
        assertFalse(sys.llistxattr(outside.resolve("file")).contains("trusted.evil"));
    }

    @Test
    void whiteoutEscaping() {
        refused(new TarBuilder().file("../.wh.file", "").build());
        refused(new TarBuilder().file("../outside/.wh.file", "").build());
        assertTrue(exists(outside.resolve("file")));
    }

    @Test
    void whiteoutThroughASymlinkedDirectory() {
        refused(new TarBuilder().symlink("d", "../outside").file("d/.wh.file", "").build());
        assertTrue(Files.isRegularFile(outside.resolve("file")));
    }

    @Test
    void opaqueMarkerThroughASymlinkedDirectory() throws IOException {
        refused(new TarBuilder().symlink("d", "../outside").file("d/.wh..wh..opq", "").build());
        assertFalse(sys.llistxattr(outside).contains("trusted.overlay.opaque"));
    }

    @Test
    void whiteoutNamingDotDot() {
        UnsafeLayerException e = refused(new TarBuilder().dir("a/").file("a/.wh...", "").build());
        assertTrue(e.getMessage().contains("whiteout names no file"), e.getMessage());
    }

    @Test
    void nonDirectoryAsTheLayerRoot() {
        refused(new TarBuilder().file(".", "x").build());
        refused(new TarBuilder().symlink("/", "/etc").build());
    }

    private static int nlinkUnchecked(Path p) {
        try {
            return nlink(p);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
