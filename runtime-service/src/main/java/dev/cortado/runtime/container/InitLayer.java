package dev.cortado.runtime.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * The container's init layer, a read-only lowerdir just above the image: the pod's
 * /etc/hostname, /etc/resolv.conf and /etc/hosts (unless the kubelet mounts its own), and empty
 * stubs for the mount points every container gets, so that mounting them writes nothing into
 * the container's own writable layer. Never part of a commit.
 */
final class InitLayer {

    /** Directories every container mounts something on. */
    private static final List<String> STUB_DIRECTORIES = List.of("proc", "sys", "dev", "etc");

    private InitLayer() {
    }

    /**
     * @param files      (container path, host file) pairs to copy in, e.g. ("etc/hosts", pod's hosts)
     * @param imageLayers the image's layer directories, top first: a stub is not made where the
     *                   image has a symlink or a file, so the image's own tree is never shadowed
     */
    static void write(Path init, List<Copy> files, List<Path> imageLayers) throws IOException {
        Files.createDirectories(init);
        for (String dir : STUB_DIRECTORIES) {
            if (isDirectoryOrAbsent(imageLayers, dir)) {
                Files.createDirectories(init.resolve(dir));
            }
        }
        for (Copy copy : files) {
            Path parent = Path.of(copy.containerPath()).getParent();
            if (parent != null && !isDirectoryOrAbsent(imageLayers, parent.toString())) {
                continue; // e.g. the image's /etc is a symlink: leave its tree alone
            }
            Path target = init.resolve(copy.containerPath());
            Files.createDirectories(target.getParent());
            Files.copy(copy.source(), target);
        }
    }

    /** A file copied into the init layer at a path relative to the container's root. */
    record Copy(String containerPath, Path source) {
    }

    /** What the top-most layer holding {@code relative} has there: a directory, or nothing. */
    private static boolean isDirectoryOrAbsent(List<Path> layers, String relative) {
        for (Path layer : layers) {
            Path candidate = layer.resolve(relative);
            if (Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return Files.isDirectory(candidate, LinkOption.NOFOLLOW_LINKS);
            }
        }
        return true;
    }
}
