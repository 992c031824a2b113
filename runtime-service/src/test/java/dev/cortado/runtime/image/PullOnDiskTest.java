package dev.cortado.runtime.image;

import dev.cortado.hack.files.FileFacts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.cri.v1.Image;
import dev.cortado.hack.image.BusyboxRootfs;
import dev.cortado.hack.image.Compression;
import dev.cortado.hack.image.ImageBuilder;
import dev.cortado.hack.image.Layer;
import dev.cortado.hack.image.LayerBuilder;
import dev.cortado.hack.image.LayerEntry;
import dev.cortado.hack.image.ManifestFormat;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PullImage end to end, then what it left on disk: the blobs, one snapshot directory per layer
 * keyed by chainID, whiteouts and opaque directories in overlayfs form, and file metadata
 * exactly as the layer tar gave it. One registry and one daemon serve every test; each test
 * pulls its own image, so order does not matter.
 */
@Timeout(300)
class PullOnDiskTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

    private static LocalRegistry registry;
    private static TestDaemon daemon;
    private static StoreLayout store;
    private final Xattrs xattrs = new Xattrs();

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.start();
        daemon = TestDaemon.start();
        store = new StoreLayout(daemon.root());
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.closeAll(daemon, registry);
    }

    @Test
    void busyboxIsItsConfigDigestWithOneSnapshotPerLayer() throws Exception {
        TestImage busybox = TestImages.busybox(registry);

        String id = daemon.pull(busybox.reference());

        assertEquals(busybox.imageId(), id, "the image id is the config digest");
        Image image = daemon.status(busybox.reference()).orElseThrow();
        assertEquals(id, image.getId());
        assertEquals(List.of(registry.hostPort() + "/busybox:latest"), image.getRepoTagsList());
        assertEquals(List.of(registry.hostPort() + "/busybox@" + busybox.manifestDigest()), image.getRepoDigestsList());
        long expectedBytes = Files.size(BusyboxRootfs.BUSYBOX) + BusyboxRootfs.PASSWD.length()
                + BusyboxRootfs.GROUP.length();
        assertEquals(expectedBytes, image.getSize(), "size: the bytes of the files its layers unpack to");
        assertFalse(image.hasUid(), "busybox's config names no user");
        assertEquals("", image.getUsername());
        assertEquals(id, image.getSpec().getImage());

        JsonNode info = verboseInfo(busybox.reference());
        assertEquals(id, info.get("id").asText());
        assertEquals(busybox.manifestDigest(), info.get("manifestDigest").asText());
        assertEquals(OCI_MANIFEST, info.get("manifestMediaType").asText());
        List<Path> snapshots = assertLayersListed(info, busybox);
        Path fs = snapshots.get(0);

        for (String blob : List.of(busybox.manifestDigest(), busybox.configDigest(), busybox.layerDigests().get(0))) {
            assertTrue(Files.isRegularFile(store.blob(blob)), "blob " + blob + " is in the content store");
        }
        assertEquals(busybox.image().layers().get(0).size(), Files.size(store.blob(busybox.layerDigests().get(0))));
        assertArrayEquals(busybox.image().config().bytes(), Files.readAllBytes(store.blob(busybox.configDigest())));
        assertTrue(store.ingest().isEmpty(), "no partial download is left: " + store.ingest());

        assertArrayEquals(Files.readAllBytes(BusyboxRootfs.BUSYBOX), Files.readAllBytes(fs.resolve("bin/busybox")));
        assertEquals(0755, FileFacts.permissions(fs.resolve("bin/busybox")));
        for (String applet : BusyboxRootfs.APPLETS) {
            assertEquals(Path.of("busybox"), Files.readSymbolicLink(fs.resolve("bin").resolve(applet)), applet);
        }
        assertEquals(Path.of("/bin/busybox"), Files.readSymbolicLink(fs.resolve("usr/bin/env")));
        assertEquals(BusyboxRootfs.PASSWD, Files.readString(fs.resolve("etc/passwd")));
        assertEquals(01777, FileFacts.permissions(fs.resolve("tmp")));
        assertEquals(0700, FileFacts.permissions(fs.resolve("root")));
        assertEquals(0555, FileFacts.permissions(fs.resolve("proc")));
    }

    @Test
    void layeredImageKeepsWhiteoutsAndOpaqueDirectoriesInOverlayForm() throws Exception {
        TestImage layered = TestImages.layered(registry);

        assertEquals(layered.imageId(), daemon.pull(layered.reference()));

        JsonNode info = verboseInfo(layered.reference());
        assertEquals(DOCKER_MANIFEST, info.get("manifestMediaType").asText());
        assertEquals("/data", info.at("/config/config/WorkingDir").asText());
        List<Path> snapshots = assertLayersListed(info, layered);
        Path base = snapshots.get(0);
        Path middle = snapshots.get(1);
        Path top = snapshots.get(2);

        assertTrue(Files.isRegularFile(base.resolve("bin/busybox")));
        assertFalse(FileFacts.exists(base.resolve("data")), "the base layer holds only busybox's files");

        assertEquals("motd from layer 2\n", Files.readString(middle.resolve("etc/motd")));
        assertEquals("a from layer 2\n", Files.readString(middle.resolve("data/a.txt")));
        assertEquals("b\n", Files.readString(middle.resolve("data/sub/b.txt")));
        assertEquals("old config\n", Files.readString(middle.resolve("opt/app/config.txt")));
        assertEquals("x\n", Files.readString(middle.resolve("opt/app/old/x.txt")));
        assertEquals(null, xattrs.get(middle.resolve("opt/app"), "trusted.overlay.opaque"));

        Path whiteout = top.resolve("etc/motd");
        assertEquals(FileFacts.S_IFCHR, FileFacts.fileType(whiteout), "a whiteout is a character device");
        assertEquals(0L, FileFacts.rdev(whiteout), "with device number 0:0");
        assertEquals(0, FileFacts.uid(whiteout));
        assertEquals(0, FileFacts.gid(whiteout));
        assertArrayEquals("y".getBytes(StandardCharsets.US_ASCII), xattrs.get(top.resolve("opt/app"), "trusted.overlay.opaque"));
        assertEquals(0750, FileFacts.permissions(top.resolve("opt/app")));
        assertEquals("new config\n", Files.readString(top.resolve("opt/app/new.txt")));
        assertEquals("a from layer 3\n", Files.readString(top.resolve("data/a.txt")));
        assertEquals(List.of("data", "data/a.txt", "etc", "etc/motd", "opt", "opt/app", "opt/app/new.txt"),
                relativeNames(top), "the top layer holds its own entries and no .wh. file");

        try (OverlayMount merged = OverlayMount.readOnly(List.of(top, middle, base))) {
            Path view = merged.path();
            assertFalse(FileFacts.exists(view.resolve("etc/motd")), "the whiteout hides etc/motd");
            assertEquals(List.of("new.txt"), childNames(view.resolve("opt/app")), "the opaque dir hides the lower ones");
            assertEquals("a from layer 3\n", Files.readString(view.resolve("data/a.txt")));
            assertEquals("b\n", Files.readString(view.resolve("data/sub/b.txt")));
            assertTrue(Files.isRegularFile(view.resolve("bin/busybox")));
        }
    }

    @Test
    void specialFilesKeepOwnersModesLinksXattrsAndTimes() throws Exception {
        TestImage special = TestImages.specialFiles(registry);

        assertEquals(special.imageId(), daemon.pull(special.reference()));

        List<Path> snapshots = assertLayersListed(verboseInfo(special.reference()), special);
        Path dir = snapshots.get(1).resolve("special");

        Path file = dir.resolve("file.txt");
        assertEquals("hello special\n", Files.readString(file));
        assertEquals(TestImages.SPECIAL_MTIME, FileFacts.mtime(file));
        assertEquals(FileFacts.inode(file), FileFacts.inode(dir.resolve("hardlink.txt")), "a hardlink shares the inode");
        assertEquals(2, FileFacts.nlink(file));

        assertEquals(Path.of("file.txt"), Files.readSymbolicLink(dir.resolve("rel-link")));
        assertEquals(Path.of("/special/file.txt"), Files.readSymbolicLink(dir.resolve("abs-link")));
        assertEquals(Path.of("/nonexistent/target"), Files.readSymbolicLink(dir.resolve("dangling")));

        assertEquals(04755, FileFacts.permissions(dir.resolve("setuid")));
        assertEquals(0, FileFacts.uid(dir.resolve("setuid")));
        assertEquals(02775, FileFacts.permissions(dir.resolve("setgid-dir")));
        assertTrue(Files.isDirectory(dir.resolve("setgid-dir")));
        assertEquals(01777, FileFacts.permissions(dir.resolve("sticky-dir")));

        assertArrayEquals("test".getBytes(StandardCharsets.UTF_8), xattrs.get(dir.resolve("xattr.txt"), "user.cortado"));
        assertArrayEquals(TestImages.CAP_NET_BIND_SERVICE_XATTR, xattrs.get(dir.resolve("cap-file"), "security.capability"));
        assertEquals(0755, FileFacts.permissions(dir.resolve("cap-file")));

        assertEquals(FileFacts.S_IFIFO, FileFacts.fileType(dir.resolve("fifo")));
        assertEquals(0644, FileFacts.permissions(dir.resolve("fifo")));

        Path owned = dir.resolve("owned");
        for (Path path : List.of(owned, owned.resolve("file.txt"), owned.resolve("link"))) {
            assertEquals(1000, FileFacts.uid(path), path + " uid");
            assertEquals(1000, FileFacts.gid(path), path + " gid");
        }
        assertEquals(0755, FileFacts.permissions(owned));
        assertEquals(0640, FileFacts.permissions(owned.resolve("file.txt")));
        assertEquals(Path.of("file.txt"), Files.readSymbolicLink(owned.resolve("link")));

        assertEquals(LayerEntry.DEFAULT_MTIME, FileFacts.mtime(dir), "directory times are set after their children");
        assertEquals(LayerEntry.DEFAULT_MTIME, FileFacts.mtime(dir.resolve("setuid")));
        assertEquals(LayerEntry.DEFAULT_MTIME, FileFacts.mtime(dir.resolve("rel-link")), "symlink times too");
    }

    @Test
    void zstdLayerIsDecompressedAndStoredAsSent() throws Exception {
        Layer layer = new LayerBuilder().addAll(BusyboxRootfs.entries())
                .file("zstd.txt", "this layer travelled as zstd\n", 0644)
                .build(Compression.ZSTD);
        TestImage zstd = TestImages.push(registry, "zstd-e2e", "latest",
                ImageBuilder.oci().cmd("/bin/sh").layer(layer, "COPY rootfs (zstd)").build());

        assertEquals(zstd.imageId(), daemon.pull(zstd.reference()));

        JsonNode info = verboseInfo(zstd.reference());
        assertEquals(layer.mediaTypeFor(ManifestFormat.OCI), info.at("/layers/0/mediaType").asText());
        assertEquals("application/vnd.oci.image.layer.v1.tar+zstd", info.at("/layers/0/mediaType").asText());
        Path fs = assertLayersListed(info, zstd).get(0);
        assertEquals("this layer travelled as zstd\n", Files.readString(fs.resolve("zstd.txt")));
        assertArrayEquals(Files.readAllBytes(BusyboxRootfs.BUSYBOX), Files.readAllBytes(fs.resolve("bin/busybox")));
        assertArrayEquals(layer.bytes(), Files.readAllBytes(store.blob(layer.digest())), "the blob is kept compressed");
        assertEquals(1, RegistryLog.settledBlobGets(registry, layer.digest()), "downloaded exactly once");
    }

    /**
     * Checks the verbose info's layer list against the image as built (blob, diffID, chainID
     * computed here per the spec) and the store (snapshot directory, its short link and record);
     * returns the snapshot directories, bottom layer first.
     */
    private static List<Path> assertLayersListed(JsonNode info, TestImage image) throws IOException {
        List<String> chainIds = StoreLayout.chainIds(image.diffIds());
        JsonNode layers = info.get("layers");
        assertEquals(image.layerDigests().size(), layers.size(), "one entry per layer: " + info);
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            JsonNode layer = layers.get(i);
            String chainId = chainIds.get(i);
            assertEquals(image.layerDigests().get(i), layer.get("blob").asText(), "layer " + i + " blob");
            assertEquals(image.diffIds().get(i), layer.get("diffID").asText(), "layer " + i + " diffID");
            assertEquals(chainId, layer.get("chainID").asText(), "layer " + i + " chainID");
            Path fs = store.snapshotFs(chainId);
            assertEquals(fs.toString(), layer.get("snapshot").asText(), "layer " + i + " snapshot directory");
            assertTrue(Files.isDirectory(fs), fs + " exists");
            assertEquals(Path.of("..", fs.getParent().getFileName().toString(), "fs"),
                    Files.readSymbolicLink(store.snapshotLink(chainId)), "short link of layer " + i);
            JsonNode record = store.snapshotMetadata(chainId);
            assertEquals(image.diffIds().get(i), record.get("diffId").asText());
            JsonNode parent = record.path("parent");
            assertEquals(i == 0 ? null : chainIds.get(i - 1),
                    parent.isMissingNode() || parent.isNull() ? null : parent.asText(), "parent of layer " + i);
            dirs.add(fs);
        }
        assertEquals(image.image().diffIds(), JSON.convertValue(info.at("/config/rootfs/diff_ids"), List.class));
        return dirs;
    }

    private static JsonNode verboseInfo(String reference) throws IOException {
        String info = daemon.verboseStatus(reference).getInfoOrThrow("info");
        return JSON.readTree(info);
    }

    static List<String> relativeNames(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(path -> !path.equals(dir)).map(path -> dir.relativize(path).toString()).sorted().toList();
        }
    }

    static List<String> childNames(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
