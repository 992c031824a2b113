package dev.cortado.shim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A busybox root filesystem in a directory, bind-mounted on itself (pivot_root needs a mount
 * point) and made private so nothing the container does propagates back.
 */
final class TestRootfs implements AutoCloseable {
    private final Path dir;
    private boolean mounted;

    private TestRootfs(Path dir) {
        this.dir = dir;
    }

    static TestRootfs build(Path dir) throws IOException {
        TestRootfs rootfs = new TestRootfs(dir);
        try {
            Files.createDirectories(dir.resolve("bin"));
            Files.copy(ShimBinary.BUSYBOX, dir.resolve("bin/busybox"));
            for (String applet : run(List.of(ShimBinary.BUSYBOX.toString(), "--list")).split("\n")) {
                if (!applet.isBlank() && !applet.equals("busybox")) {
                    Files.createSymbolicLink(dir.resolve("bin").resolve(applet.strip()), Path.of("busybox"));
                }
            }
            for (String sub : List.of("proc", "dev", "sys", "tmp", "etc", "root", "mnt")) {
                Files.createDirectories(dir.resolve(sub));
            }
            Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
            Files.writeString(dir.resolve("etc/group"), "root:x:0:\n");
            run(List.of("mount", "--bind", dir.toString(), dir.toString()));
            rootfs.mounted = true;
            run(List.of("mount", "--make-private", dir.toString()));
            return rootfs;
        } catch (IOException | RuntimeException e) {
            rootfs.close();
            throw e;
        }
    }

    Path path() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        if (mounted) {
            try {
                run(List.of("umount", dir.toString()));
            } catch (IOException e) {
                run(List.of("umount", "-l", dir.toString()));
            }
            mounted = false;
        }
    }

    /** Runs a command to completion; its stdout, or an IOException with its stderr. */
    static String run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: "
                        + new String(output, StandardCharsets.UTF_8).strip());
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " interrupted");
        }
    }

    /**
     * Deletes a tree without leaving its filesystem: a mount left below it (a test that failed
     * half-way) is skipped rather than emptied.
     */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Object device = Files.getAttribute(root, "unix:dev");
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                return device.equals(Files.getAttribute(d, "unix:dev")) ? FileVisitResult.CONTINUE
                        : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) {
                try {
                    Files.deleteIfExists(d);
                } catch (IOException notEmpty) {
                    System.err.println("left " + d + " behind: " + notEmpty);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
