package dev.cortado.runtime.oci;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RootfsPathTest {

    @TempDir
    Path dir;

    private Path rootfs;
    private TreeWriter tree;
    private RootfsPath paths;

    @BeforeEach
    void setUp() throws IOException {
        rootfs = Files.createDirectory(dir.resolve("rootfs"));
        tree = new TreeWriter(rootfs);
        paths = new RootfsPath(rootfs);
        // a file outside the rootfs that hostile links aim at, standing in for the host's /etc/shadow
        new TreeWriter(dir).file("etc/shadow", "root:SECRET:19000::::::\n");
    }

    @Test
    void plainPathsResolveUnderTheRoot() throws IOException {
        tree.file("etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        assertEquals(rootfs.resolve("etc/passwd"), paths.resolve("/etc/passwd"));
        assertEquals(rootfs.resolve("etc/passwd"), paths.resolve("etc//./passwd"));
        assertEquals("root:x:0:0::/root:/bin/sh\n", read("/etc/passwd"));
    }

    @Test
    void dotDotStopsAtTheRoot() throws IOException {
        tree.file("etc/passwd", "inside\n");
        assertEquals(rootfs.resolve("etc/passwd"), paths.resolve("/../../../etc/passwd"));
        assertEquals(rootfs.resolve("etc/shadow"), paths.resolve("/etc/../../etc/shadow"));
        assertFalse(paths.readRegularFile("/../etc/shadow", 1024).isPresent(), "the host's file must not be read");
    }

    @Test
    void absoluteLinkToTheHostsShadowStaysInTheRootfs() throws IOException {
        Path hostShadow = dir.resolve("etc/shadow");
        tree.link("etc/passwd", hostShadow.toString());
        Path resolved = paths.resolve("/etc/passwd");
        assertEquals(rootfs.resolve(hostShadow.toString().substring(1)), resolved);
        assertFalse(paths.readRegularFile("/etc/passwd", 1024).isPresent(), "the host's file must not be read");
        tree.file(hostShadow.toString().substring(1), "decoy inside\n");
        assertEquals("decoy inside\n", read("/etc/passwd"));
    }

    @Test
    void relativeLinkClimbingOutStaysInTheRootfs() throws IOException {
        tree.link("etc/passwd", "../../../../../etc/shadow");
        assertEquals(rootfs.resolve("etc/shadow"), paths.resolve("/etc/passwd"));
        assertFalse(paths.readRegularFile("/etc/passwd", 1024).isPresent());
        tree.file("etc/shadow", "image's own shadow\n");
        assertEquals("image's own shadow\n", read("/etc/passwd"));
    }

    @Test
    void etcLinkedToRootMeansTheRootfsRoot() throws IOException {
        tree.link("etc", "/");
        tree.file("passwd", "top-level passwd\n");
        assertEquals(rootfs.resolve("passwd"), paths.resolve("/etc/passwd"));
        assertEquals("top-level passwd\n", read("/etc/passwd"));
    }

    @Test
    void directoryLinksAreFollowedComponentByComponent() throws IOException {
        tree.file("real/etc/group", "g:x:5:\n");
        tree.link("etc", "real/etc");
        tree.link("real/alias", "/etc");
        assertEquals(rootfs.resolve("real/etc/group"), paths.resolve("/etc/group"));
        assertEquals(rootfs.resolve("real/etc/group"), paths.resolve("/real/alias/group"));
        assertEquals(rootfs.resolve("real/etc/group"), paths.resolve("/etc/../etc/group"));
    }

    @Test
    void linkLoopsAreRefused() {
        tree.link("etc/a", "b");
        tree.link("etc/b", "a");
        tree.link("self", "../self/x");
        IOException loop = assertThrows(IOException.class, () -> paths.resolve("/etc/a"));
        assertTrue(loop.getMessage().contains("symbolic links"), loop.getMessage());
        assertThrows(IOException.class, () -> paths.resolve("/self"));
    }

    @Test
    void manyLinksInAChainWithinTheLimitResolve() throws IOException {
        tree.file("target", "end\n");
        String previous = "target";
        for (int i = 0; i < RootfsPath.MAX_LINKS; i++) {
            tree.link("l" + i, previous);
            previous = "l" + i;
        }
        assertEquals("end\n", read("/" + previous));
        tree.link("one-too-many", previous);
        assertThrows(IOException.class, () -> paths.resolve("/one-too-many"));
    }

    @Test
    void missingPathsAndFilesInTheWayAreAbsentNotErrors() throws IOException {
        tree.file("etc", "a file where a directory should be\n");
        assertFalse(paths.readRegularFile("/etc/passwd", 1024).isPresent());
        assertFalse(paths.readRegularFile("/nothing/here", 1024).isPresent());
        assertEquals(rootfs.resolve("nothing/x"), paths.resolve("/nothing/here/../x"));
    }

    @Test
    void climbingBackOutOfAMissingNameStillChecksWhatFollows() throws IOException {
        Path hostEtc = dir.resolve("etc");
        tree.link("etc", hostEtc.toString());
        assertEquals(rootfs.resolve(hostEtc.toString().substring(1)).resolve("shadow"),
                paths.resolve("/nothing/../etc/shadow"));
        assertEquals(rootfs.resolve(hostEtc.toString().substring(1)).resolve("shadow"),
                paths.resolve("/etc/missing/../../etc/shadow"));
        assertFalse(paths.readRegularFile("/nothing/../etc/shadow", 1024).isPresent(), "the host's file must not be read");
    }

    @Test
    void onlyRegularFilesWithinTheSizeAreRead() throws Exception {
        tree.dir("etc/passwd");
        IOException directory = assertThrows(IOException.class, () -> paths.readRegularFile("/etc/passwd", 1024));
        assertTrue(directory.getMessage().contains("not a regular file"), directory.getMessage());

        Path fifo = rootfs.resolve("etc/group");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mkfifo.waitFor());
        IOException pipe = assertThrows(IOException.class, () -> paths.readRegularFile("/etc/group", 1024));
        assertTrue(pipe.getMessage().contains("not a regular file"), pipe.getMessage());

        tree.file("big", "x".repeat(2000));
        IOException big = assertThrows(IOException.class, () -> paths.readRegularFile("/big", 1024));
        assertTrue(big.getMessage().contains("larger than 1024"), big.getMessage());
    }

    @Test
    void linkToADeviceOnTheHostIsNotFollowedOut() throws IOException {
        tree.link("etc/passwd", "/dev/zero");
        assertEquals(rootfs.resolve("dev/zero"), paths.resolve("/etc/passwd"));
        assertFalse(paths.readRegularFile("/etc/passwd", 1024).isPresent());
    }

    private String read(String path) throws IOException {
        return new String(paths.readRegularFile(path, 1 << 20).orElseThrow(), StandardCharsets.UTF_8);
    }
}
