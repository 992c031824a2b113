package dev.cortado.hack.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdInputStream;
import dev.cortado.hack.registry.TempDirs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LayerBuilderTest {
    private Path scratch;

    @BeforeEach
    void createScratch() {
        scratch = TempDirs.create("layer-builder-test-");
    }

    @AfterEach
    void removeScratch() throws IOException {
        TempDirs.deleteTree(scratch);
    }

    private static LayerBuilder specialLayer() {
        return new LayerBuilder()
                .dir("special", 0755)
                .add(LayerEntry.file("special/file.txt", "hello\n").withMtime(TestImages.SPECIAL_MTIME))
                .hardlink("special/hard.txt", "special/file.txt")
                .symlink("special/rel", "file.txt")
                .symlink("special/abs", "/special/file.txt")
                .add(LayerEntry.file("special/setuid", "x").withMode(04755))
                .dir("special/setgid", 02775)
                .dir("special/sticky", 01777)
                .add(LayerEntry.file("special/xattr.txt", "x").withXattr("user.cortado", "test"))
                .add(LayerEntry.file("special/cap", "c").withMode(0755)
                        .withXattr("security.capability", TestImages.CAP_NET_BIND_SERVICE_XATTR))
                .fifo("special/fifo", 0600)
                .add(LayerEntry.file("special/owned", "o").withOwner(1000, 1000).withMode(0640))
                .add(LayerEntry.file("special/" + "long-name-".repeat(15) + "end", "long"))
                .add(LayerEntry.file("special/ünïcödé", "u").withXattr("user.k", "v"))
                .whiteout("special/gone")
                .opaque("special/sticky");
    }

    private static Map<String, TarArchiveEntry> read(byte[] tar) throws IOException {
        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.put(entry.getName(), entry);
            }
        }
        return entries;
    }

    @Test
    void entriesRoundTripThroughATarReader() throws IOException {
        Map<String, TarArchiveEntry> entries = read(specialLayer().tar());
        assertTrue(entries.get("special/").isDirectory());
        assertEquals(TestImages.SPECIAL_MTIME, entries.get("special/file.txt").getLastModifiedTime().toInstant());
        assertTrue(entries.get("special/hard.txt").isLink());
        assertEquals("special/file.txt", entries.get("special/hard.txt").getLinkName());
        assertEquals("file.txt", entries.get("special/rel").getLinkName());
        assertEquals("/special/file.txt", entries.get("special/abs").getLinkName());
        assertEquals(04755, entries.get("special/setuid").getMode());
        assertEquals(02775, entries.get("special/setgid/").getMode());
        assertEquals(01777, entries.get("special/sticky/").getMode());
        assertEquals("test", entries.get("special/xattr.txt").getExtraPaxHeader("SCHILY.xattr.user.cortado"));
        assertTrue(entries.get("special/fifo").isFIFO());
        assertEquals(1000, entries.get("special/owned").getLongUserId());
        assertEquals(1000, entries.get("special/owned").getLongGroupId());
        assertTrue(entries.containsKey("special/" + "long-name-".repeat(15) + "end"), entries.keySet().toString());
        assertTrue(entries.containsKey("special/ünïcödé"), entries.keySet().toString());
        assertEquals("v", entries.get("special/ünïcödé").getExtraPaxHeader("SCHILY.xattr.user.k"));
        assertTrue(entries.containsKey("special/.wh.gone"));
        assertTrue(entries.containsKey("special/sticky/.wh..wh..opq"));
    }

    @Test
    void binaryXattrBytesAreWrittenVerbatim() {
        byte[] tar = specialLayer().tar();
        byte[] record = new byte[57];
        byte[] prefix = "57 SCHILY.xattr.security.capability=".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(prefix, 0, record, 0, prefix.length);
        System.arraycopy(TestImages.CAP_NET_BIND_SERVICE_XATTR, 0, record, prefix.length, 20);
        record[56] = '\n';
        assertTrue(indexOf(tar, record) >= 0, "PAX record with the raw capability bytes not found");
    }

    @Test
    void gnuTarExtractsWhatWasDescribed() throws Exception {
        Path tarFile = scratch.resolve("layer.tar");
        Files.write(tarFile, specialLayer().tar());
        Path root = Files.createDirectory(scratch.resolve("root"));
        run(List.of("tar", "--xattrs", "--xattrs-include=*", "--same-owner", "-xpf", tarFile.toString(), "-C", root.toString()));
        Path file = root.resolve("special/file.txt");
        assertEquals("hello\n", Files.readString(file));
        assertEquals(Files.getAttribute(file, "unix:ino"), Files.getAttribute(root.resolve("special/hard.txt"), "unix:ino"));
        assertEquals(Path.of("/special/file.txt"), Files.readSymbolicLink(root.resolve("special/abs")));
        assertEquals(04755, (int) Files.getAttribute(root.resolve("special/setuid"), "unix:mode") & 07777);
        assertEquals(02775, (int) Files.getAttribute(root.resolve("special/setgid"), "unix:mode") & 07777);
        assertEquals(1000, Files.getAttribute(root.resolve("special/owned"), "unix:uid"));
        assertEquals(0010000, (int) Files.getAttribute(root.resolve("special/fifo"), "unix:mode") & 0170000);
        var view = Files.getFileAttributeView(root.resolve("special/xattr.txt"),
                java.nio.file.attribute.UserDefinedFileAttributeView.class);
        java.nio.ByteBuffer value = java.nio.ByteBuffer.allocate(16);
        int n = view.read("cortado", value);
        assertEquals("test", new String(value.array(), 0, n, StandardCharsets.UTF_8));
        String caps = run(List.of("getcap", root.resolve("special/cap").toString()));
        assertTrue(caps.contains("cap_net_bind_service=ep"), caps);
        assertFalse(Files.exists(root.resolve("special/gone"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void digestsAndDiffIdsMatchTheBytes() throws IOException {
        LayerBuilder builder = specialLayer();
        byte[] tar = builder.tar();
        for (Compression compression : Compression.values()) {
            Layer layer = builder.build(compression);
            byte[] stored = layer.bytes();
            assertEquals(Digests.sha256(stored), layer.digest(), compression.name());
            assertEquals(stored.length, layer.size());
            assertEquals(Digests.sha256(tar), layer.diffId(), compression.name());
            assertEquals(tar.length, layer.uncompressedSize());
            assertArrayEquals(tar, decompress(compression, stored), compression.name());
            assertEquals(layer.digest(), builder.build(compression).digest(), "builds must be reproducible");
        }
        Layer onDisk = builder.buildToFile(Compression.GZIP, scratch.resolve("l.tar.gz"));
        assertEquals(builder.build(Compression.GZIP).digest(), onDisk.digest());
        assertEquals(Files.size(scratch.resolve("l.tar.gz")), onDisk.size());
    }

    @Test
    void hostileNamesAreKeptVerbatim() throws IOException {
        byte[] tar = new LayerBuilder()
                .file("../evil", "e", 0644)
                .file("/abs/path", "a", 0644)
                .symlink("escape", "../../../../etc")
                .hardlink("hl", "../outside")
                .tar();
        List<String> names = new ArrayList<>(read(tar).keySet());
        assertEquals(List.of("../evil", "/abs/path", "escape", "hl"), names);
        assertEquals("../outside", read(tar).get("hl").getLinkName());
    }

    @Test
    void invalidEntriesAreRefusedWithTheirName() {
        IllegalArgumentException mode = assertThrows(IllegalArgumentException.class,
                () -> LayerEntry.file("x", "y").withMode(0100644));
        assertTrue(mode.getMessage().contains("\"x\""), mode.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LayerEntry.symlink("s", ""));
        assertThrows(IllegalArgumentException.class, () -> ManifestFormat.DOCKER.layerMediaType(Compression.ZSTD));
    }

    static byte[] decompress(Compression compression, byte[] data) throws IOException {
        InputStream in = switch (compression) {
            case NONE -> new ByteArrayInputStream(data);
            case GZIP -> new GZIPInputStream(new ByteArrayInputStream(data));
            case ZSTD -> new ZstdInputStream(new ByteArrayInputStream(data));
        };
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }
}
