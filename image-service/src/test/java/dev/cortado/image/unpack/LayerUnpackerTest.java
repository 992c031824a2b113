package dev.cortado.image.unpack;

import dev.cortado.hack.files.FileFacts;
import static dev.cortado.hack.files.FileFacts.exists;
import static dev.cortado.hack.files.FileFacts.gid;
import static dev.cortado.hack.files.FileFacts.inode;
import static dev.cortado.hack.files.FileFacts.mode;
import static dev.cortado.hack.files.FileFacts.mtime;
import static dev.cortado.hack.files.FileFacts.rdev;
import static dev.cortado.hack.files.FileFacts.uid;
import static dev.cortado.image.unpack.TarBuilder.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.linux.DeviceNumbers;
import dev.cortado.linux.Syscalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Well-formed layers, unpacked onto the real file system as root, checked attribute by attribute. */
class LayerUnpackerTest {

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

    private UnpackStats unpack(byte[] tar) throws IOException {
        return new LayerUnpacker(sys, true).unpack(new ByteArrayInputStream(tar), layer);
    }

    @Test
    void regularFilesKeepContentExactModeOwnerAndNanosecondMtime() throws IOException {
        Instant precise = Instant.parse("2021-06-07T08:09:10.123456789Z");
        byte[] tar = new TarBuilder()
                .file("bin/su", "setuid".getBytes(StandardCharsets.UTF_8), 04755, 0, 0, T0)
                .file("usr/bin/wall", "setgid".getBytes(StandardCharsets.UTF_8), 02755, 0, 5, T0)
                .file("home/user/.profile", "x".getBytes(StandardCharsets.UTF_8), 0600, 1000, 1001, T0)
                .pax(Map.of("mtime", "1623053350.123456789".getBytes(StandardCharsets.US_ASCII),
                        "atime", "1000000000.5".getBytes(StandardCharsets.US_ASCII)))
                .file("precise", "p".getBytes(StandardCharsets.UTF_8), 0444, 0, 0, T0)
                .build();
        UnpackStats stats = unpack(tar);

        assertEquals("setuid", Files.readString(layer.resolve("bin/su")));
        assertEquals(0104755, mode(layer.resolve("bin/su")));
        assertEquals(0102755, mode(layer.resolve("usr/bin/wall")));
        assertEquals(5, gid(layer.resolve("usr/bin/wall")));
        Path profile = layer.resolve("home/user/.profile");
        assertEquals(0100600, mode(profile));
        assertEquals(1000, uid(profile));
        assertEquals(1001, gid(profile));
        assertEquals(T0, mtime(profile));
        assertEquals(precise, mtime(layer.resolve("precise")));
        assertEquals(Instant.parse("2001-09-09T01:46:40.5Z"),
                Files.readAttributes(layer.resolve("precise"), BasicFileAttributes.class).lastAccessTime().toInstant());
        // 4 files; bin, usr, usr/bin, home, home/user implied
        assertEquals(new UnpackStats(4, 6 + 6 + 1 + 1, 9), stats);
    }

    @Test
    void impliedParentsAre0755OwnedByRoot() throws IOException {
        unpack(new TarBuilder().file("a/b/c", "x".getBytes(StandardCharsets.UTF_8), 0644, 7, 7, T0).build());
        assertEquals(040755, mode(layer.resolve("a")));
        assertEquals(040755, mode(layer.resolve("a/b")));
        assertEquals(0, uid(layer.resolve("a/b")));
        assertEquals(0, gid(layer.resolve("a/b")));
    }

    @Test
    void directoryMetadataIsAppliedAfterItsChildrenAreWritten() throws IOException {
        Instant dirTime = Instant.parse("2010-01-01T00:00:00Z");
        byte[] tar = new TarBuilder()
                .dir("etc/", 0750, 0, 4, dirTime)
                .file("etc/hosts", "127.0.0.1 localhost\n")
                .dir("tmp/", 01777, 0, 0, dirTime)
                .dir("opt/", 0700, 33, 33, dirTime)
                .file("opt/late", "written after the directory entry")
                .dir("opt/", 02711, 44, 45, dirTime.plusSeconds(60)) // a later entry updates metadata
                .build();
        unpack(tar);
        assertEquals(040750, mode(layer.resolve("etc")));
        assertEquals(4, gid(layer.resolve("etc")));
        assertEquals(dirTime, mtime(layer.resolve("etc")));
        assertEquals(041777, mode(layer.resolve("tmp")));
        assertEquals(042711, mode(layer.resolve("opt")));
        assertEquals(44, uid(layer.resolve("opt")));
        assertEquals(45, gid(layer.resolve("opt")));
        assertEquals(dirTime.plusSeconds(60), mtime(layer.resolve("opt")));
        assertEquals("written after the directory entry", Files.readString(layer.resolve("opt/late")));
    }

    @Test
    void symlinksAreStoredVerbatimWithTheirOwnOwnerAndTimes() throws IOException {
        TarArchiveEntry link = TarBuilder.entry("lib/ld", TarConstants.LF_SYMLINK);
        link.setLinkName("../lib64//ld-linux.so.2/");
        link.setIds(12, 34);
        byte[] tar = new TarBuilder()
                .file("lib64/ld-linux.so.2", "elf")
                .add(link, null)
                .symlink("abs", "/etc/passwd")
                .build();
        unpack(tar);
        Path ld = layer.resolve("lib/ld");
        assertTrue(Files.isSymbolicLink(ld));
        assertEquals("../lib64//ld-linux.so.2/".length(),
                Files.readAttributes(ld, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size());
        assertEquals(12, uid(ld));
        assertEquals(34, gid(ld));
        assertEquals(T0, mtime(ld));
        assertEquals(Path.of("/etc/passwd"), Files.readSymbolicLink(layer.resolve("abs")));
    }

    @Test
    void hardlinksShareTheInodeOfAnEarlierEntry() throws IOException {
        byte[] tar = new TarBuilder()
                .file("usr/bin/perl", "#!perl".getBytes(StandardCharsets.UTF_8), 0755, 0, 0, T0)
                .hardlink("usr/bin/perl5.36", "usr/bin/perl")
                .hardlink("usr/bin/perl-abs", "/usr/bin/perl")
                .build();
        UnpackStats stats = unpack(tar);
        long ino = inode(layer.resolve("usr/bin/perl"));
        assertEquals(ino, inode(layer.resolve("usr/bin/perl5.36")));
        assertEquals(ino, inode(layer.resolve("usr/bin/perl-abs")));
        assertEquals(3, FileFacts.nlink(layer.resolve("usr/bin/perl")));
        assertEquals(3, stats.inodes()); // usr, usr/bin, perl
    }

    @Test
    void devicesAndFifosAreMadeWithTheirNumbersAndModes() throws IOException {
        byte[] tar = new TarBuilder()
                .node("dev/null", TarConstants.LF_CHR, 0666, 1, 3)
                .node("dev/loop0", TarConstants.LF_BLK, 0660, 7, 0)
                .node("run/initctl", TarConstants.LF_FIFO, 0600, 0, 0)
                .build();
        unpack(tar);
        assertEquals(0020666, mode(layer.resolve("dev/null")));
        assertEquals(DeviceNumbers.makedev(1, 3), rdev(layer.resolve("dev/null")));
        assertEquals(0060660, mode(layer.resolve("dev/loop0")));
        assertEquals(DeviceNumbers.makedev(7, 0), rdev(layer.resolve("dev/loop0")));
        assertEquals(0010600, mode(layer.resolve("run/initctl")));
    }

    @Test
    void devicesAreRefusedWhenNotAllowedButFifosAndWhiteoutsAreNot() throws IOException {
        byte[] ok = new TarBuilder().node("p", TarConstants.LF_FIFO, 0600, 0, 0).file(".wh.gone", "").build();
        new LayerUnpacker(sys, false).unpack(new ByteArrayInputStream(ok), layer);
        assertEquals(0010600, mode(layer.resolve("p")));
        assertEquals(0020000, mode(layer.resolve("gone")));

        byte[] dev = new TarBuilder().node("dev/sda", TarConstants.LF_BLK, 0660, 8, 0).build();
        UnsafeLayerException e = assertThrows(UnsafeLayerException.class,
                () -> new LayerUnpacker(sys, false).unpack(new ByteArrayInputStream(dev), layer));
        assertEquals("tar entry \"dev/sda\": is a block device, and device nodes are not allowed by this"
                + " unpacker's configuration", e.getMessage());
        assertFalse(exists(layer.resolve("dev/sda")));
    }

    @Test
    void paxXattrsAreWrittenByteForByte() throws IOException {
        byte[] cap = {1, 0, 0, 2, (byte) 0x80, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("SCHILY.xattr.security.capability", cap);
        records.put("SCHILY.xattr.trusted.cortado", new byte[] {(byte) 0xff, 0, (byte) 0xfe});
        records.put("SCHILY.xattr.user.empty", new byte[0]);
        byte[] tar = new TarBuilder()
                .pax(records)
                .file("usr/bin/ping", "elf".getBytes(StandardCharsets.UTF_8), 04755, 0, 0, T0)
                .build();
        unpack(tar);
        Path ping = layer.resolve("usr/bin/ping");
        assertArrayEquals(cap, sys.lgetxattr(ping, "security.capability"));
        assertArrayEquals(new byte[] {(byte) 0xff, 0, (byte) 0xfe}, sys.lgetxattr(ping, "trusted.cortado"));
        assertArrayEquals(new byte[0], sys.lgetxattr(ping, "user.empty"));
        assertEquals(0104755, mode(ping), "setuid survives the chown that precedes it");
    }

    @Test
    void overlayXattrsInTheTarAreNotHonoured() throws IOException {
        byte[] tar = new TarBuilder()
                .pax(Map.of("SCHILY.xattr.trusted.overlay.redirect", "/elsewhere".getBytes(StandardCharsets.UTF_8)))
                .dir("d/")
                .build();
        unpack(tar);
        assertFalse(sys.llistxattr(layer.resolve("d")).contains("trusted.overlay.redirect"));
    }

    @Test
    void gnuTarLayerWithFileCapabilitiesRoundTrips() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Path ping = Files.createDirectories(src.resolve("bin")).resolve("ping");
        Files.writeString(ping, "elf");
        run("setcap", "cap_setuid,cap_net_raw+ep", ping.toString());
        byte[] expected = sys.lgetxattr(ping, "security.capability");
        assertEquals((byte) 0x80, expected[4], "cap_setuid sets bit 7, the byte commons-compress would mangle");
        Path tarFile = tmp.resolve("layer.tar");
        run("tar", "--xattrs", "--xattrs-include=*", "--format=pax", "-C", src.toString(), "-cf", tarFile.toString(), ".");
        try (InputStream in = Files.newInputStream(tarFile)) {
            new LayerUnpacker(sys, true).unpack(in, layer);
        }
        assertArrayEquals(expected, sys.lgetxattr(layer.resolve("bin/ping"), "security.capability"));
        assertEquals("elf", Files.readString(layer.resolve("bin/ping")));
    }

    @Test
    void longNamesAndLinksInPaxAndGnuForms() throws IOException {
        String deep = "a".repeat(120) + "/" + "b".repeat(150) + "/" + "c".repeat(200);
        String linkTarget = "/" + "t".repeat(180);
        for (int mode : new int[] {TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU}) {
            Path target = Files.createDirectory(tmp.resolve("layer-" + mode));
            byte[] tar = new TarBuilder(mode)
                    .file(deep, "deep")
                    .symlink("s".repeat(130), linkTarget)
                    .hardlink("h".repeat(140), deep)
                    .file("ünïcödé-名前", "utf8")
                    .build();
            new LayerUnpacker(sys, true).unpack(new ByteArrayInputStream(tar), target);
            assertEquals("deep", Files.readString(target.resolve(deep)));
            assertEquals(Path.of(linkTarget), Files.readSymbolicLink(target.resolve("s".repeat(130))));
            assertEquals(inode(target.resolve(deep)), inode(target.resolve("h".repeat(140))));
            assertEquals("utf8", Files.readString(target.resolve("ünïcödé-名前")));
        }
    }

    @Test
    void laterEntriesReplaceEarlierOnesAndDirectoriesMerge() throws IOException {
        byte[] tar = new TarBuilder()
                .file("f", "first")
                .file("f", "second")
                .file("was-file", "x")
                .dir("was-file/")
                .file("was-file/inside", "y")
                .dir("was-dir/")
                .file("was-dir/child", "z")
                .dir("was-dir/sub/")
                .file("was-dir", "now a file")
                .dir("merge/")
                .file("merge/one", "1")
                .dir("merge/", 0700, 0, 0, T0)
                .file("merge/two", "2")
                .file("linked", "old inode")
                .hardlink("other-name", "linked")
                .file("linked", "new inode")
                .build();
        unpack(tar);
        assertEquals("second", Files.readString(layer.resolve("f")));
        assertTrue(Files.isDirectory(layer.resolve("was-file"), LinkOption.NOFOLLOW_LINKS));
        assertEquals("y", Files.readString(layer.resolve("was-file/inside")));
        assertEquals("now a file", Files.readString(layer.resolve("was-dir")));
        assertEquals("1", Files.readString(layer.resolve("merge/one")));
        assertEquals("2", Files.readString(layer.resolve("merge/two")));
        assertEquals(040700, mode(layer.resolve("merge")));
        assertEquals("old inode", Files.readString(layer.resolve("other-name")));
        assertEquals("new inode", Files.readString(layer.resolve("linked")));
    }

    @Test
    void largeFilesAreCopiedExactly() throws IOException {
        byte[] big = new byte[5 * 1024 * 1024 + 123];
        new Random(42).nextBytes(big);
        UnpackStats stats = unpack(new TarBuilder().file("blob", big, 0644, 0, 0, T0).build());
        assertArrayEquals(big, Files.readAllBytes(layer.resolve("blob")));
        assertEquals(big.length, stats.bytesWritten());
    }

    @Test
    void theStreamIsReadToItsEndAfterTheArchive() throws IOException {
        byte[] tar = new TarBuilder().file("a", "a").build();
        byte[] padded = new byte[tar.length + 20_000];
        System.arraycopy(tar, 0, padded, 0, tar.length);
        ByteArrayInputStream in = new ByteArrayInputStream(padded);
        new LayerUnpacker(sys, true).unpack(in, layer);
        assertEquals(0, in.available());
    }

    @Test
    void rootEntryIsIgnoredAndTheTargetMustBeADirectory() throws IOException {
        byte[] tar = new TarBuilder().dir("./", 0700, 5, 5, T0).file("./x", "x").build();
        int before = mode(layer);
        unpack(tar);
        assertEquals(before, mode(layer));
        assertEquals("x", Files.readString(layer.resolve("x")));

        Path link = Files.createSymbolicLink(tmp.resolve("link"), layer);
        IOException e = assertThrows(IOException.class,
                () -> new LayerUnpacker(sys, true).unpack(new ByteArrayInputStream(tar), link));
        assertTrue(e.getMessage().contains("is not a directory (or is a symlink)"), e.getMessage());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }
}
