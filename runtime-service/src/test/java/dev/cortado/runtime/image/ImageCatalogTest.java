package dev.cortado.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.FilesystemUsage;
import dev.cortado.cri.v1.Image;
import dev.cortado.cri.v1.ImageStatusResponse;
import dev.cortado.hack.image.LayerBuilder;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ListImages, StreamImages, ImageStatus, RemoveImage and ImageFsInfo. These tests count and
 * remove what is in the store, so each gets a fresh daemon; the registry is shared.
 */
@Timeout(300)
class ImageCatalogTest {

    private static LocalRegistry registry;
    private static TestImage busybox;
    private static TestImage layered;
    private TestDaemon daemon;
    private StoreLayout store;

    @BeforeAll
    static void startRegistry() {
        registry = LocalRegistry.start();
        busybox = TestImages.busybox(registry);
        layered = TestImages.layered(registry);
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        Cleanup.closeAll(registry);
    }

    @BeforeEach
    void startDaemon() throws Exception {
        daemon = TestDaemon.start();
        store = new StoreLayout(daemon.root());
    }

    @AfterEach
    void stopDaemon() throws Exception {
        Cleanup.closeAll(daemon);
    }

    @Test
    void listImagesWithAndWithoutFilterAndStreamImagesAgree() {
        daemon.pull(busybox.reference());
        daemon.pull(layered.reference());

        List<Image> all = daemon.list();
        assertEquals(Set.of(busybox.imageId(), layered.imageId()), ids(all));
        assertEquals(2, all.size());
        for (Image image : all) {
            assertEquals(daemon.status(image.getId()).orElseThrow(), image, "ListImages and ImageStatus agree");
        }
        assertEquals(List.of(daemon.status(busybox.reference()).orElseThrow()), daemon.list(busybox.reference()));
        assertEquals(List.of(layered.imageId()), daemon.list(layered.imageId()).stream().map(Image::getId).toList());
        assertEquals(List.of(layered.imageId()), daemon.list(layered.imageId().substring(7, 19)).stream()
                .map(Image::getId).toList(), "a short id prefix filters too");
        assertEquals(List.of(busybox.imageId()), daemon.list(busybox.digestReference()).stream()
                .map(Image::getId).toList());
        assertEquals(List.of(), daemon.list(registry.hostPort() + "/not-pulled:latest"));

        assertEquals(all, daemon.stream(null), "StreamImages returns what ListImages does");
        assertEquals(daemon.list(busybox.reference()), daemon.stream(busybox.reference()));
        assertEquals(List.of(), daemon.stream(registry.hostPort() + "/not-pulled:latest"));
    }

    @Test
    void statusOfAnUnknownImageIsAnEmptyAnswer() {
        daemon.pull(busybox.reference());

        for (String unknown : List.of(registry.hostPort() + "/not-pulled:latest", "sha256:" + "0".repeat(64),
                "busybox", busybox.digestReference().replace("busybox@", "other@"))) {
            ImageStatusResponse response = daemon.verboseStatus(unknown);
            assertFalse(response.hasImage(), unknown + " names no image");
            assertTrue(response.getInfoMap().isEmpty(), unknown + " has no info");
        }
    }

    @ParameterizedTest(name = "by {0}")
    @ValueSource(strings = {"id", "tag", "digest"})
    void removeImageFreesEverythingItUsed(String by) throws Exception {
        daemon.pull(busybox.reference());
        String name = switch (by) {
            case "id" -> busybox.imageId();
            case "tag" -> busybox.reference();
            default -> busybox.digestReference();
        };

        daemon.remove(name);

        for (String any : List.of(busybox.imageId(), busybox.reference(), busybox.digestReference())) {
            assertTrue(daemon.status(any).isEmpty(), any + " is gone");
        }
        assertEquals(List.of(), daemon.list());
        assertStoreEmpty();
    }

    @Test
    void sharedLayerStaysUntilTheLastImageUsingItIsRemoved() throws Exception {
        daemon.pull(busybox.reference());
        daemon.pull(layered.reference());
        String sharedChain = StoreLayout.chainIds(busybox.diffIds()).get(0);
        assertEquals(sharedChain, StoreLayout.chainIds(layered.diffIds()).get(0), "both stand on the busybox layer");
        String sharedBlob = busybox.layerDigests().get(0);
        assertEquals(sharedBlob, layered.layerDigests().get(0));
        Path sharedFs = store.snapshotFs(sharedChain);
        Path sharedLink = store.snapshotLink(sharedChain);
        assertEquals(3, store.snapshotDirs().size(), "one snapshot per distinct chainID");

        daemon.remove(busybox.reference());

        assertEquals(List.of(layered.imageId()), ids(daemon.list()).stream().toList());
        assertTrue(Files.isRegularFile(sharedFs.resolve("bin/busybox")), "the shared snapshot stays");
        assertTrue(Files.isSymbolicLink(sharedLink));
        assertTrue(Files.isRegularFile(store.snapshotRecord(sharedChain)));
        assertTrue(Files.isRegularFile(store.blob(sharedBlob)), "the shared blob stays");
        assertFalse(Files.exists(store.blob(busybox.configDigest())), "busybox's own config goes");
        assertFalse(Files.exists(store.blob(busybox.manifestDigest())), "busybox's own manifest goes");
        assertEquals(3, store.snapshotDirs().size());

        daemon.remove(layered.imageId());

        assertFalse(Files.exists(sharedFs));
        assertFalse(Files.exists(sharedLink, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertStoreEmpty();
    }

    @Test
    void removingAnAbsentImageSucceeds() {
        daemon.remove(registry.hostPort() + "/never-pulled:latest");
        daemon.remove("sha256:" + "1".repeat(64));
        daemon.pull(busybox.reference());

        daemon.remove(busybox.reference());
        daemon.remove(busybox.reference());
        daemon.remove(busybox.imageId());

        assertEquals(List.of(), daemon.list());
    }

    @Test
    void imageFsInfoCountsBlobsAndSnapshotsAndShrinksAfterRemoval() throws Exception {
        FilesystemUsage empty = daemon.fsInfo();
        assertEquals(daemon.root().toString(), empty.getFsId().getMountpoint());
        assertTrue(empty.getTimestamp() > 0);
        assertEquals(0, empty.getUsedBytes().getValue(), "an empty store uses nothing");
        assertEquals(0, empty.getInodesUsed().getValue());

        daemon.pull(busybox.reference());

        FilesystemUsage one = daemon.fsInfo();
        assertEquals(DiskUsage.of(store).bytes(), one.getUsedBytes().getValue(), "blob bytes plus unpacked file bytes");
        assertEquals(DiskUsage.of(store).inodes(), one.getInodesUsed().getValue(), "blobs plus snapshot entries");
        long busyboxBlobs = Files.size(store.blob(busybox.manifestDigest())) + Files.size(store.blob(busybox.configDigest()))
                + Files.size(store.blob(busybox.layerDigests().get(0)));
        assertEquals(busyboxBlobs + daemon.status(busybox.reference()).orElseThrow().getSize(), one.getUsedBytes().getValue());

        daemon.pull(layered.reference());

        FilesystemUsage two = daemon.fsInfo();
        assertTrue(two.getUsedBytes().getValue() > one.getUsedBytes().getValue());
        assertTrue(two.getInodesUsed().getValue() > one.getInodesUsed().getValue());
        assertEquals(DiskUsage.of(store).bytes(), two.getUsedBytes().getValue());
        assertEquals(DiskUsage.of(store).inodes(), two.getInodesUsed().getValue());

        daemon.remove(layered.reference());

        FilesystemUsage back = daemon.fsInfo();
        assertEquals(one.getUsedBytes().getValue(), back.getUsedBytes().getValue(), "back to busybox alone");
        assertEquals(one.getInodesUsed().getValue(), back.getInodesUsed().getValue());

        daemon.remove(busybox.reference());

        assertEquals(0, daemon.fsInfo().getUsedBytes().getValue());
        assertEquals(0, daemon.fsInfo().getInodesUsed().getValue());
    }

    @Test
    void aTagMovedToANewImageLeavesTheOldOneListedWithoutIt() {
        TestImage first = TestImages.withLayers(registry, "moving", "v1",
                new LayerBuilder().file("version.txt", "first\n", 0644));
        assertEquals(first.imageId(), daemon.pull(first.reference()));
        TestImage second = TestImages.withLayers(registry, "moving", "v1",
                new LayerBuilder().file("version.txt", "second\n", 0644));
        assertEquals(first.reference(), second.reference());

        assertEquals(second.imageId(), daemon.pull(second.reference()));

        assertEquals(second.imageId(), daemon.status(second.reference()).orElseThrow().getId(), "the tag moved");
        Image old = daemon.status(first.imageId()).orElseThrow();
        assertEquals(List.of(), old.getRepoTagsList(), "the old image lost the tag");
        assertEquals(List.of(first.digestReference()), old.getRepoDigestsList(), "but keeps its digest name");
        Image current = daemon.status(second.imageId()).orElseThrow();
        assertEquals(List.of(second.reference()), current.getRepoTagsList());
        assertEquals(List.of(second.digestReference()), current.getRepoDigestsList());
        assertEquals(Set.of(first.imageId(), second.imageId()), ids(daemon.list()));
    }

    private void assertStoreEmpty() throws Exception {
        assertEquals(List.of(), store.snapshotDirs(), "no snapshot directory is left");
        assertEquals(List.of(), store.snapshotLinks(), "no short link is left");
        assertEquals(List.of(), store.snapshotRecords(), "no snapshot record is left");
        assertEquals(List.of(), store.blobs(), "no blob is left");
        assertEquals(List.of(), store.ingest());
        assertEquals(0, store.images().size(), "images.json lists nothing: " + store.images());
    }

    private static Set<String> ids(List<Image> images) {
        return images.stream().map(Image::getId).collect(Collectors.toSet());
    }
}
