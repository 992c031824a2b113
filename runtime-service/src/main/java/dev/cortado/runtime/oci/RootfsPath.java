package dev.cortado.runtime.oci;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Paths inside a container's root filesystem, looked up from the host as the kernel would look
 * them up after a chroot: symlinks are followed one component at a time, an absolute link
 * starts again at the rootfs, ".." stops at the rootfs. A name never resolves to a host path
 * outside the rootfs, whatever links the image holds ({@code /etc -> /},
 * {@code /etc/passwd -> /etc/shadow}, {@code a -> ../../a}).
 *
 * <p>The rootfs is looked at before the container runs, when nothing inside can change it
 * between this lookup and the read that follows; the final open still refuses a symlink.
 */
public final class RootfsPath {

    /** As many links as Linux follows in one lookup (MAXSYMLINKS). */
    static final int MAX_LINKS = 40;

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path root;

    public RootfsPath(Path root) {
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException("rootfs " + root + " is not an absolute path");
        }
        this.root = root.normalize();
    }

    public Path root() {
        return root;
    }

    /**
     * The host path {@code containerPath} names inside the rootfs. Every existing component of
     * the result is a real file or directory (not a link); components from the first missing one
     * on are taken as written.
     *
     * @throws IOException when links nest deeper than {@link #MAX_LINKS} (a loop)
     */
    public Path resolve(String containerPath) throws IOException {
        Deque<String> pending = new ArrayDeque<>(names(containerPath));
        List<String> done = new ArrayList<>();
        // how many leading names of done are known to exist and not to be links
        int verified = 0;
        int links = 0;
        while (!pending.isEmpty()) {
            String name = pending.removeFirst();
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                verified = Math.min(verified, done.size());
                continue;
            }
            done.add(name);
            if (done.size() - 1 > verified) {
                continue; // under a missing name: nothing on disk to look at
            }
            Path here = join(done);
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(here, BasicFileAttributes.class, NOFOLLOW);
            } catch (NoSuchFileException e) {
                continue;
            } catch (FileSystemException e) {
                if (isNotADirectory(e)) {
                    continue;
                }
                throw e;
            }
            if (!attributes.isSymbolicLink()) {
                verified = done.size();
                continue;
            }
            if (++links > MAX_LINKS) {
                throw new IOException(containerPath + ": more than " + MAX_LINKS
                        + " symbolic links on the way (a link loop in the image?)");
            }
            String target = Files.readSymbolicLink(here).toString();
            done.remove(done.size() - 1);
            if (target.startsWith("/")) {
                done.clear();
            }
            verified = Math.min(verified, done.size());
            List<String> expansion = names(target);
            for (int i = expansion.size() - 1; i >= 0; i--) {
                pending.addFirst(expansion.get(i));
            }
        }
        return join(done);
    }

    /**
     * The bytes of a regular file inside the rootfs, or empty when there is no such file.
     *
     * @throws IOException when the name is something else than a regular file (a FIFO would block
     *                     the reader, a device could be endless), is larger than {@code maxBytes},
     *                     or its links loop
     */
    public Optional<byte[]> readRegularFile(String containerPath, int maxBytes) throws IOException {
        Path file = resolve(containerPath);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (FileSystemException e) {
            if (isNotADirectory(e)) {
                return Optional.empty();
            }
            throw e;
        }
        if (!attributes.isRegularFile()) {
            throw new IOException(containerPath + " is not a regular file");
        }
        if (attributes.size() > maxBytes) {
            throw new IOException(containerPath + " is larger than " + maxBytes + " bytes");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file, NOFOLLOW)) {
            bytes = in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            throw new IOException(containerPath + " is larger than " + maxBytes + " bytes");
        }
        return Optional.of(bytes);
    }

    private Path join(List<String> names) {
        Path p = root;
        for (String name : names) {
            p = p.resolve(name);
        }
        return p;
    }

    private static List<String> names(String path) {
        List<String> out = new ArrayList<>();
        for (String name : path.split("/")) {
            if (!name.isEmpty()) {
                out.add(name);
            }
        }
        return out;
    }

    /** ENOTDIR: a component on the way is a file, so the name does not exist. */
    private static boolean isNotADirectory(FileSystemException e) {
        return e.getReason() != null && e.getReason().contains("Not a directory");
    }
}
