package dev.cortado.image.unpack;

import dev.cortado.linux.Syscalls;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * The layer directory as the unpacker may touch it. Every parent of an entry is checked component
 * by component without following symlinks, so a layer cannot plant {@code d -> /etc} and then
 * write {@code d/passwd}; directories already checked in this layer are remembered so that
 * checking costs one lookup per entry, not a walk. This is sound because no one else writes under
 * the root while a layer is unpacked, and every change the unpacker makes to a directory goes
 * through {@link #remove}, which forgets what it removed.
 */
final class LayerTree {

    private static final int IMPLIED_DIRECTORY_MODE = 0755;

    private final Path root;
    private final Syscalls syscalls;
    private final Set<LayerPath> directories = new HashSet<>();
    private long inodes;

    LayerTree(Path root, Syscalls syscalls) {
        this.root = root;
        this.syscalls = syscalls;
        directories.add(LayerPath.ROOT);
    }

    /** Ensures every parent of {@code path} is a real directory (creating missing ones, 0755 root:root). */
    Path prepareParents(LayerPath path, String entryName) throws IOException {
        walk(path.parent(), entryName, true);
        return path.under(root);
    }

    /** Ensures {@code dir} and its parents are real directories, creating what is missing. */
    Path ensureDirectory(LayerPath dir, String entryName) throws IOException {
        walk(dir, entryName, true);
        return dir.under(root);
    }

    /** Checks that {@code path}'s parents exist as real directories, creating nothing. */
    Path requireParents(LayerPath path, String entryName) throws IOException {
        walk(path.parent(), entryName, false);
        return path.under(root);
    }

    /** lstat: the attributes of the path itself, or null when nothing is there. */
    BasicFileAttributes lstat(Path onDisk) throws IOException {
        try {
            return Files.readAttributes(onDisk, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Removes what is at {@code path}, a whole tree for a directory, never following a symlink. */
    void remove(LayerPath path, Path onDisk, BasicFileAttributes attrs) throws IOException {
        if (!attrs.isDirectory()) {
            Files.delete(onDisk);
            return;
        }
        directories.removeIf(known -> known.within(path));
        Files.walkFileTree(onDisk, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes fileAttrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Records that the unpacker made (or merged into) a real directory at {@code path}. */
    void knownDirectory(LayerPath path) {
        directories.add(path);
    }

    void countInode() {
        inodes++;
    }

    long inodes() {
        return inodes;
    }

    private void walk(LayerPath dir, String entryName, boolean create) throws IOException {
        if (directories.contains(dir)) {
            return;
        }
        for (int depth = 1; depth <= dir.components().size(); depth++) {
            LayerPath step = dir.prefix(depth);
            if (directories.contains(step)) {
                continue;
            }
            Path onDisk = step.under(root);
            BasicFileAttributes attrs = lstat(onDisk);
            if (attrs == null) {
                if (!create) {
                    throw new UnsafeLayerException(entryName, "\"" + step + "\" does not exist in the layer");
                }
                Files.createDirectory(onDisk);
                syscalls.lchown(onDisk, 0, 0);
                syscalls.chmodNoFollow(onDisk, IMPLIED_DIRECTORY_MODE);
                countInode();
            } else if (attrs.isSymbolicLink()) {
                throw new UnsafeLayerException(entryName, "parent \"" + step
                        + "\" is a symlink; unpacking never follows symlinks");
            } else if (!attrs.isDirectory()) {
                throw new IOException("tar entry \"" + entryName + "\": parent \"" + step + "\" is not a directory");
            }
            directories.add(step);
        }
    }
}
