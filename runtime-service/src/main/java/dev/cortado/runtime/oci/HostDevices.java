package dev.cortado.runtime.oci;

import dev.cortado.linux.DeviceNumbers;
import dev.cortado.shim.plan.InitPlan;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every device node of the host's /dev, as a privileged container gets them (containerd's
 * WithHostDevices): same numbers, permissions and owners. The directories that are filesystems
 * or per-container views of their own (pts, shm, mqueue, fd) and the nodes the container gets
 * otherwise (the console, which belongs to the pty, and ptmx, a link into the container's devpts)
 * are left out.
 */
public final class HostDevices {

    private static final int S_IFMT = 0170000;
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of("pts", "shm", "mqueue", "fd", ".lxc",
            ".lxd-mounts", ".udev");
    private static final Set<String> SKIPPED_NODES = Set.of("/dev/console", "/dev/ptmx");

    private HostDevices() {
    }

    /** The nodes under {@code devDirectory} (the host's /dev), named by their container path. */
    public static List<InitPlan.DeviceNode> list(Path devDirectory) throws IOException {
        List<InitPlan.DeviceNode> nodes = new ArrayList<>();
        Files.walkFileTree(devDirectory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return !dir.equals(devDirectory) && SKIPPED_DIRECTORIES.contains(dir.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isOther()) {
                    node(devDirectory, file).ifPresent(nodes::add);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                // a node that went away while walking (a hot-unplugged disk) is simply not there
                return FileVisitResult.CONTINUE;
            }
        });
        return nodes;
    }

    private static Optional<InitPlan.DeviceNode> node(Path devDirectory, Path file) throws IOException {
        String path = "/dev/" + devDirectory.relativize(file).toString();
        if (SKIPPED_NODES.contains(path)) {
            return Optional.empty();
        }
        Map<String, Object> unix;
        try {
            unix = Files.readAttributes(file, "unix:mode,rdev,uid,gid", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        int mode = (Integer) unix.get("mode");
        int type = mode & S_IFMT;
        if (type != DefaultDevices.S_IFCHR && type != DefaultDevices.S_IFBLK) {
            return Optional.empty();
        }
        long rdev = (Long) unix.get("rdev");
        return Optional.of(new InitPlan.DeviceNode(path, type, (int) DeviceNumbers.major(rdev),
                (int) DeviceNumbers.minor(rdev), mode & 07777, (Integer) unix.get("uid"), (Integer) unix.get("gid")));
    }
}
