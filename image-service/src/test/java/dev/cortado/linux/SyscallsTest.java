package dev.cortado.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each call against the real kernel, as root, in a temporary directory. */
class SyscallsTest {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static Syscalls sys;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        sys = new Syscalls();
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW);
    }

    private static long rdev(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:rdev", NOFOLLOW);
    }

    private static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", NOFOLLOW);
    }

    @Test
    void mknodMakesCharacterAndBlockDevicesWithTheirNumbers() throws IOException {
        Path chr = dir.resolve("null");
        sys.mknod(chr, NodeType.CHARACTER_DEVICE, 0600, 1, 3);
        assertEquals(0020600, mode(chr));
        assertEquals(DeviceNumbers.makedev(1, 3), rdev(chr));

        Path blk = dir.resolve("loop");
        sys.mknod(blk, NodeType.BLOCK_DEVICE, 0600, 259, 70000);
        assertEquals(0060600, mode(blk));
        assertEquals(259, DeviceNumbers.major(rdev(blk)));
        assertEquals(70000, DeviceNumbers.minor(rdev(blk)));
    }

    @Test
    void mknodMakesFifo() throws IOException {
        Path fifo = dir.resolve("pipe");
        sys.mknod(fifo, NodeType.FIFO, 0600, 0, 0);
        assertEquals(0010600, mode(fifo));
        assertTrue(Files.readAttributes(fifo, BasicFileAttributes.class, NOFOLLOW).isOther());
    }

    @Test
    void failureNamesTheCallThePathAndTheErrno() throws IOException {
        Path existing = Files.createFile(dir.resolve("taken"));
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> sys.mknod(existing, NodeType.FIFO, 0644, 0, 0));
        assertEquals(Errno.EEXIST, e.errno());
        assertEquals("mknod " + existing + ": File exists", e.getMessage());

        ErrnoException missing = assertThrows(ErrnoException.class, () -> sys.chmod(dir.resolve("no/such"), 0644));
        assertEquals(Errno.ENOENT, missing.errno());
        assertEquals("chmod " + dir.resolve("no/such") + ": No such file or directory", missing.getMessage());
    }

    @Test
    void lchownChangesTheLinkNotItsTarget() throws IOException {
        Path file = Files.createFile(dir.resolve("file"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        sys.lchown(link, 1234, 5678);
        assertEquals(1234, uid(link));
        assertEquals(5678, (Integer) Files.getAttribute(link, "unix:gid", NOFOLLOW));
        assertEquals(0, uid(file));
    }

    @Test
    void chmodSetsSpecialBits() throws IOException {
        Path file = Files.createFile(dir.resolve("suid"));
        sys.chmod(file, 04755);
        assertEquals(0104755, mode(file));
        sys.chmod(file, 02711);
        assertEquals(0102711, mode(file));
        Path sticky = Files.createDirectory(dir.resolve("tmp"));
        sys.chmod(sticky, 01777);
        assertEquals(0041777, mode(sticky));
    }

    @Test
    void chmodNoFollowRefusesSymlinksAndLeavesTheTargetAlone() throws IOException {
        Path file = Files.createFile(dir.resolve("target"));
        sys.chmod(file, 0600);
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        ErrnoException e = assertThrows(ErrnoException.class, () -> sys.chmodNoFollow(link, 06777));
        assertEquals(Errno.EOPNOTSUPP, e.errno());
        assertEquals(0100600, mode(file));
        sys.chmodNoFollow(file, 06711);
        assertEquals(0106711, mode(file));
    }

    @Test
    void symlinkStoresTheTargetVerbatim() throws IOException, InterruptedException {
        Path link = dir.resolve("odd");
        String target = "a//b/../c/";
        sys.symlink(target, link);
        assertTrue(Files.isSymbolicLink(link));
        // java.nio normalises link targets when reading them back, so ask the kernel's size and readlink(1)
        assertEquals(target.length(), Files.readAttributes(link, BasicFileAttributes.class, NOFOLLOW).size());
        Process readlink = new ProcessBuilder("readlink", link.toString()).start();
        String out = new String(readlink.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, readlink.waitFor());
        assertEquals(target + "\n", out);
    }

    @Test
    void xattrsRoundTripBinaryValues() throws IOException {
        Path file = Files.createFile(dir.resolve("x"));
        byte[] value = {0, 1, (byte) 0x80, (byte) 0xff, 'y'};
        sys.lsetxattr(file, "trusted.cortado.test", value);
        assertArrayEquals(value, sys.lgetxattr(file, "trusted.cortado.test"));
        byte[] cap = {1, 0, 0, 2, (byte) 0x80, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        sys.lsetxattr(file, "security.capability", cap);
        assertArrayEquals(cap, sys.lgetxattr(file, "security.capability"));
        assertTrue(sys.llistxattr(file).contains("trusted.cortado.test"));
        assertTrue(sys.llistxattr(file).contains("security.capability"));
        sys.lsetxattr(file, "trusted.empty", new byte[0]);
        assertArrayEquals(new byte[0], sys.lgetxattr(file, "trusted.empty"));
    }

    @Test
    void xattrOnSymlinkStaysOnTheLink() throws IOException {
        Path file = Files.createFile(dir.resolve("target"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        sys.lsetxattr(link, "trusted.overlay.opaque", new byte[] {'y'});
        assertArrayEquals(new byte[] {'y'}, sys.lgetxattr(link, "trusted.overlay.opaque"));
        ErrnoException e = assertThrows(ErrnoException.class, () -> sys.lgetxattr(file, "trusted.overlay.opaque"));
        assertEquals(Errno.ENODATA, e.errno());
        assertFalse(sys.llistxattr(file).contains("trusted.overlay.opaque"));
    }

    @Test
    void llistxattrGrowsItsBufferForManyNames() throws IOException {
        Path file = Files.createFile(dir.resolve("many"));
        for (int i = 0; i < 60; i++) {
            sys.lsetxattr(file, "trusted.cortado.a-rather-long-attribute-name-number-" + i, new byte[] {(byte) i});
        }
        assertEquals(60, sys.llistxattr(file).stream().filter(n -> n.startsWith("trusted.cortado.")).count());
    }

    @Test
    void utimensatSetsNanosecondTimesOnTheLinkItself() throws IOException {
        Path file = Files.createFile(dir.resolve("target"));
        FileTime before = Files.getLastModifiedTime(file);
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        Instant atime = Instant.parse("2001-02-03T04:05:06.987654321Z");
        Instant mtime = Instant.parse("1999-12-31T23:59:59.123456789Z");
        sys.utimensatNoFollow(link, atime, mtime);
        BasicFileAttributes attrs = Files.readAttributes(link, BasicFileAttributes.class, NOFOLLOW);
        assertEquals(mtime, attrs.lastModifiedTime().toInstant());
        assertEquals(atime, attrs.lastAccessTime().toInstant());
        assertEquals(before, Files.getLastModifiedTime(file));

        sys.utimensatNoFollow(file, null, mtime);
        assertEquals(mtime, Files.getLastModifiedTime(file).toInstant());
    }

    @Test
    void syncfsFlushesADirectorysFilesystemAndNamesAMissingPath() throws IOException {
        Files.writeString(dir.resolve("dirty"), "data");
        sys.syncfs(dir);
        ErrnoException missing = assertThrows(ErrnoException.class, () -> sys.syncfs(dir.resolve("absent")));
        assertTrue(missing.getMessage().contains("absent"), missing.getMessage());
        assertThrows(ErrnoException.class, () -> sys.syncfs(dir.resolve("dirty")), "a file is not a directory");
    }

    @Test
    void statfsReportsTheFileSystemType() throws IOException {
        assertTrue(sys.statfs(Path.of("/proc")).isType(StatFs.PROC_SUPER_MAGIC));
        assertTrue(sys.statfs(Path.of("/sys")).isType(StatFs.SYSFS_MAGIC));
        StatFs here = sys.statfs(dir);
        assertTrue(here.blockSize() > 0 && here.blocks() > 0, here.toString());
    }

    @Test
    void mountAndUnmountTmpfs() throws IOException {
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        long parentType = sys.statfs(dir).type();
        sys.mount("cortado-test", mnt, "tmpfs", MountFlags.MS_NOSUID | MountFlags.MS_NODEV, "size=1m,mode=0750");
        try {
            StatFs mounted = sys.statfs(mnt);
            assertTrue(mounted.isType(StatFs.TMPFS_MAGIC));
            assertEquals(1024 * 1024, mounted.blocks() * mounted.blockSize());
            assertEquals(040750, mode(mnt));
            Files.writeString(mnt.resolve("before"), "x");
            sys.mount(null, mnt, null, MountFlags.MS_REMOUNT | MountFlags.MS_BIND | MountFlags.MS_RDONLY, null);
            assertThrows(IOException.class, () -> Files.createFile(mnt.resolve("after")));
            assertEquals("x", Files.readString(mnt.resolve("before")));
        } finally {
            sys.umount2(mnt, MountFlags.MNT_DETACH);
        }
        assertEquals(parentType, sys.statfs(mnt).type());
        ErrnoException notMounted = assertThrows(ErrnoException.class, () -> sys.umount2(mnt, 0));
        assertEquals(Errno.EINVAL, notMounted.errno());
        assertEquals("umount2 " + mnt + ": Invalid argument", notMounted.getMessage());
    }

    @Test
    void bindMountWithNullSourceDataIsRefusedCleanly() throws IOException {
        Path mnt = Files.createDirectory(dir.resolve("m"));
        ErrnoException e = assertThrows(ErrnoException.class, () -> sys.mount(null, mnt, null, MountFlags.MS_BIND, null));
        assertTrue(e.getMessage().startsWith("mount " + mnt + ": "), e.getMessage());
    }

    @Test
    void deviceNumbersMatchGlibc() {
        assertEquals(0x0103L, DeviceNumbers.makedev(1, 3));
        long dev = DeviceNumbers.makedev(0x12345, 0x6789a);
        assertEquals(0x12345, DeviceNumbers.major(dev));
        assertEquals(0x6789a, DeviceNumbers.minor(dev));
    }
}
