package dev.cortado.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespacesAndMountApiTest {

    @TempDir
    Path dir;

    private final Namespaces namespaces = new Namespaces();
    private final Syscalls syscalls = new Syscalls();

    @Test
    void aThreadPinsItsOwnNetworkAndUtsNamespaces() throws Exception {
        Path pinnedNet = Files.createFile(dir.resolve("net"));
        Path pinnedUts = Files.createFile(dir.resolve("uts"));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread pinner = new Thread(() -> {
            try {
                namespaces.unshare(Namespaces.CLONE_NEWNET | Namespaces.CLONE_NEWUTS);
                namespaces.setHostname("pinned-pod");
                namespaces.loopbackUp();
                String task = "/proc/self/task/" + namespaces.threadId() + "/ns/";
                syscalls.mount(task + "net", pinnedNet, null, MountFlags.MS_BIND, null);
                syscalls.mount(task + "uts", pinnedUts, null, MountFlags.MS_BIND, null);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "test-namespace-pinner");
        pinner.start();
        pinner.join();
        try {
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            long hostNet = (Long) Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino");
            long podNet = (Long) Files.getAttribute(pinnedNet, "unix:ino");
            assertNotEquals(hostNet, podNet, "the pinned file is another network namespace");
            // enter it from another thread and look at what is there
            AtomicReference<String> seen = new AtomicReference<>();
            Thread visitor = new Thread(() -> {
                try {
                    namespaces.setns(pinnedUts, Namespaces.CLONE_NEWUTS);
                    seen.set(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim());
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "test-namespace-visitor");
            visitor.start();
            visitor.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals("pinned-pod", seen.get(), "the pinned UTS namespace keeps its host name");
            assertNotEquals("pinned-pod", Files.readString(Path.of("/proc/sys/kernel/hostname")).trim());
        } finally {
            syscalls.umount2(pinnedNet, MountFlags.MNT_DETACH);
            syscalls.umount2(pinnedUts, MountFlags.MNT_DETACH);
        }
    }

    @Test
    void setnsNamesAMissingFile() {
        ErrnoException e = assertThrows(ErrnoException.class,
                () -> namespaces.setns(dir.resolve("absent"), Namespaces.CLONE_NEWNET));
        assertTrue(e.getMessage().contains("absent"), e.getMessage());
    }

    @Test
    void mountsAnOverlayLayerByLayer() throws Exception {
        Path lower1 = Files.createDirectories(dir.resolve("l1"));
        Path lower2 = Files.createDirectories(dir.resolve("l2"));
        Path upper = Files.createDirectories(dir.resolve("upper"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Path merged = Files.createDirectories(dir.resolve("merged"));
        Files.writeString(lower1.resolve("a"), "from l1");
        Files.writeString(lower2.resolve("a"), "from l2");
        Files.writeString(lower2.resolve("b"), "only l2");
        MountApi api = new MountApi(namespaces);
        try (MountApi.Configuration overlay = api.open("overlay")) {
            overlay.set("lowerdir+", lower1.toString()).set("lowerdir+", lower2.toString())
                    .set("upperdir", upper.toString()).set("workdir", work.toString());
            overlay.mountAt(merged, 0);
        }
        try {
            assertEquals("from l1", Files.readString(merged.resolve("a")), "the first lowerdir is on top");
            assertEquals("only l2", Files.readString(merged.resolve("b")));
            Files.writeString(merged.resolve("b"), "changed");
            assertEquals("changed", Files.readString(upper.resolve("b")), "a write is copied up");
            assertEquals("only l2", Files.readString(lower2.resolve("b")), "the layer is untouched");
        } finally {
            syscalls.umount2(merged, 0);
        }
    }

    @Test
    void aRefusedOverlaySaysWhatTheKernelSaid() throws Exception {
        MountApi api = new MountApi(namespaces);
        try (MountApi.Configuration overlay = api.open("overlay")) {
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> overlay.set("lowerdir+", dir.resolve("missing").toString()));
            assertTrue(e.getMessage().contains("missing"), e.getMessage());
        }
    }
}
