package dev.cortado.runtime.image;

import dev.cortado.runtime.daemon.RpcFailures;
import dev.cortado.hack.files.FileFacts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.hack.image.LayerBuilder;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.hack.registry.TempDirs;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Layers built to write outside their snapshot directory (the classic runtime CVE), pushed to a
 * real registry and pulled by a real daemon. Every one is refused as FAILED_PRECONDITION
 * "image refused: ..." naming the entry, with the store, a canary directory and /etc/passwd
 * untouched; an absolute name is the exception: it means the layer root, so it lands inside.
 */
@Timeout(300)
class HostileLayerTest {

    private static final Path PASSWD = Path.of("/etc/passwd");
    private static final Path HOST_EVIL = Path.of("/etc/cortado-evil");

    private static LocalRegistry registry;
    private static TestDaemon daemon;
    private static Path canary;

    @BeforeAll
    static void start() throws Exception {
        canary = TempDirs.create("cortado-e2e-canary-");
        Files.writeString(canary.resolve("canary.txt"), "untouched\n");
        registry = LocalRegistry.start();
        daemon = TestDaemon.start();
        daemon.pull(TestImages.busybox(registry).reference());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            Cleanup.closeAll(daemon, registry);
        } finally {
            TempDirs.deleteTree(canary);
        }
    }

    @Test
    void dotDotNameIsRefused() throws Exception {
        refused("hostile/dotdot", new LayerBuilder().file("../evil", "escaped\n", 0644), "../evil", "escapes");
    }

    @Test
    void dotDotInsideANameIsRefused() throws Exception {
        refused("hostile/inner-dotdot", new LayerBuilder().dir("a", 0755).file("a/../../evil", "escaped\n", 0644),
                "a/../../evil", "escapes");
    }

    @Test
    void absoluteNameLandsInsideTheSnapshot() throws Exception {
        assertFalse(Files.exists(HOST_EVIL), HOST_EVIL + " must not exist before the test");
        TestImage image = TestImages.withLayers(registry, "hostile/absolute", "v1",
                new LayerBuilder().file("/etc/cortado-evil", "inside the layer\n", 0644));
        try {
            assertEquals(image.imageId(), daemon.pull(image.reference()));

            Path top = new StoreLayout(daemon.root()).snapshotFs(StoreLayout.chainIds(image.diffIds()).get(1));
            assertEquals("inside the layer\n", Files.readString(top.resolve("etc/cortado-evil")));
            assertEquals(List.of("etc", "etc/cortado-evil"), PullOnDiskTest.relativeNames(top));
            assertFalse(Files.exists(HOST_EVIL), "the host's /etc is untouched");
        } finally {
            if (Files.exists(HOST_EVIL)) {
                Files.delete(HOST_EVIL); // only reachable if the unpacker escaped; it did not exist before
            }
        }
    }

    @Test
    void fileThroughASymlinkToAHostDirectoryIsRefused() throws Exception {
        refused("hostile/symlink-out", new LayerBuilder().symlink("d", canary.toString())
                .file("d/pwned", "written through a link\n", 0644), "d/pwned", "symlink");
        assertFalse(Files.exists(canary.resolve("pwned")));
    }

    @Test
    void fileThroughARelativeSymlinkClimbingOutIsRefused() throws Exception {
        refused("hostile/symlink-up", new LayerBuilder().symlink("up", "../../..")
                .file("up/cortado-evil", "written through a link\n", 0644), "up/cortado-evil", "symlink");
        assertFalse(Files.exists(daemon.root().resolve("cortado-evil")));
    }

    @Test
    void hardlinkToAHostFileIsRefused() throws Exception {
        refused("hostile/hardlink-passwd", new LayerBuilder().hardlink("passwd", "/etc/passwd"), "passwd",
                "\"/etc/passwd\"");
    }

    @Test
    void hardlinkClimbingOutIsRefused() throws Exception {
        refused("hostile/hardlink-up", new LayerBuilder().hardlink("outside-link", "../../outside"), "outside-link",
                "\"../../outside\"", "escapes");
    }

    /**
     * Pushes busybox plus {@code layer} as {@code repository}, pulls it, and expects the refusal
     * naming {@code entry}, with nothing changed in the store, around it, in the canary directory
     * or in /etc/passwd.
     */
    private static void refused(String repository, LayerBuilder layer, String entry, String... mentions)
            throws Exception {
        TestImage image = TestImages.withLayers(registry, repository, "v1", layer);
        StoreGuard guard = StoreGuard.of(daemon);
        TreeListing canaryBefore = TreeListing.of(canary, name -> false);
        HostFile passwdBefore = HostFile.of(PASSWD);

        String message = RpcFailures.assertFails(Status.Code.FAILED_PRECONDITION, () -> daemon.pull(image.reference()),
                "image refused: ", "\"" + entry + "\"");
        for (String mention : mentions) {
            assertTrue(message.contains(mention), "message should mention " + mention + ": " + message);
        }

        guard.assertUnchanged("after refusing " + repository);
        TreeListing.of(canary, name -> false).assertUnchangedSince(canaryBefore, "canary");
        assertEquals("untouched\n", Files.readString(canary.resolve("canary.txt")));
        HostFile.of(PASSWD).assertSameAs(passwdBefore);
        assertTrue(daemon.status(image.reference()).isEmpty());
    }

    /** A host file's bytes, inode, link count and times, to prove it was not touched. */
    private record HostFile(Path path, byte[] bytes, long inode, int links, Object ctime, Object mtime) {

        static HostFile of(Path path) throws Exception {
            return new HostFile(path, Files.readAllBytes(path), FileFacts.inode(path), FileFacts.nlink(path),
                    Files.getAttribute(path, "unix:ctime"), Files.getLastModifiedTime(path));
        }

        void assertSameAs(HostFile before) throws Exception {
            assertArrayEquals(before.bytes, bytes, path + " content");
            assertEquals(before.inode, inode, path + " inode");
            assertEquals(before.links, links, path + " gained a hardlink");
            assertEquals(before.ctime, ctime, path + " ctime");
            assertEquals(before.mtime, mtime, path + " mtime");
        }
    }
}
