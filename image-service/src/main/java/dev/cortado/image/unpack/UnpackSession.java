package dev.cortado.image.unpack;

import dev.cortado.linux.Errno;
import dev.cortado.linux.ErrnoException;
import dev.cortado.linux.NodeType;
import dev.cortado.linux.Syscalls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The state of one layer being written into one directory: turns each tar entry into files,
 * applies OCI whiteouts in overlayfs form, and applies directory metadata at the end, because
 * writing a directory's children changes its mtime.
 */
final class UnpackSession {

    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String WHITEOUT_META_PREFIX = ".wh..wh.";
    private static final String OPAQUE_MARKER = ".wh..wh..opq";
    private static final String OPAQUE_XATTR = "trusted.overlay.opaque";
    private static final int COPY_BUFFER = 1 << 20;
    private static final Set<OpenOption> NEW_FILE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);

    private final Syscalls syscalls;
    private final boolean allowDevices;
    private final LayerTree tree;
    private final EntryMetadata metadata;
    private final Map<LayerPath, TarEntry> pendingDirectories = new LinkedHashMap<>();
    private final byte[] buffer = new byte[COPY_BUFFER];
    private final ByteBuffer direct = ByteBuffer.allocateDirect(COPY_BUFFER);
    private long entries;
    private long bytesWritten;

    UnpackSession(Syscalls syscalls, boolean allowDevices, Path root) {
        this.syscalls = syscalls;
        this.allowDevices = allowDevices;
        this.tree = new LayerTree(root, syscalls);
        this.metadata = new EntryMetadata(syscalls);
    }

    void apply(TarEntry entry, TarReader content) throws IOException {
        entries++;
        LayerPath path = LayerPath.parse(entry.name(), entry.name(), "name");
        if (!path.isRoot() && path.name().startsWith(WHITEOUT_PREFIX)) {
            whiteout(entry, path);
            return;
        }
        if (path.isRoot()) {
            if (entry.type() != TarEntryType.DIRECTORY) {
                throw new UnsafeLayerException(entry.name(), "names the layer root itself, which only a directory may");
            }
            return; // the snapshot directory's own attributes are the snapshotter's, as in containerd
        }
        Path onDisk = tree.prepareParents(path, entry.name());
        switch (entry.type()) {
            case DIRECTORY -> directory(entry, path, onDisk);
            case REGULAR -> regularFile(entry, path, onDisk, content);
            case SYMLINK -> symlink(entry, path, onDisk);
            case HARDLINK -> hardlink(entry, path, onDisk);
            case CHARACTER_DEVICE, BLOCK_DEVICE, FIFO -> node(entry, path, onDisk);
        }
    }

    /** Applies the deferred directory metadata; call once after the last entry. */
    UnpackStats finish() throws IOException {
        for (Map.Entry<LayerPath, TarEntry> pending : pendingDirectories.entrySet()) {
            TarEntry entry = pending.getValue();
            // a directory replaced since its entry was dropped from this map (see clear), so it is still there
            Path onDisk = tree.prepareParents(pending.getKey(), entry.name());
            BasicFileAttributes attrs = tree.lstat(onDisk);
            if (attrs == null || !attrs.isDirectory()) {
                throw new IOException("tar entry \"" + entry.name() + "\": directory vanished while unpacking");
            }
            metadata.apply(onDisk, entry, false);
        }
        pendingDirectories.clear();
        return new UnpackStats(entries, bytesWritten, tree.inodes());
    }

    private void whiteout(TarEntry entry, LayerPath path) throws IOException {
        String base = path.name();
        if (base.equals(OPAQUE_MARKER)) {
            Path dir = tree.ensureDirectory(path.parent(), entry.name());
            syscalls.lsetxattr(dir, OPAQUE_XATTR, new byte[] {'y'});
            return;
        }
        if (base.startsWith(WHITEOUT_META_PREFIX)) {
            return; // aufs bookkeeping such as .wh..wh.plnk: meaningless to overlayfs
        }
        String hidden = base.substring(WHITEOUT_PREFIX.length());
        if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
            throw new UnsafeLayerException(entry.name(), "whiteout names no file (\"" + hidden + "\")");
        }
        LayerPath victim = path.parent().child(hidden);
        Path onDisk = tree.prepareParents(victim, entry.name());
        createReplacing(victim, onDisk, () -> syscalls.mknod(onDisk, NodeType.CHARACTER_DEVICE, 0, 0, 0));
        syscalls.lchown(onDisk, 0, 0);
        tree.countInode();
    }

    private void directory(TarEntry entry, LayerPath path, Path onDisk) throws IOException {
        BasicFileAttributes existing = tree.lstat(onDisk);
        if (existing == null || !existing.isDirectory()) {
            if (existing != null) {
                clear(path, onDisk);
            }
            Files.createDirectory(onDisk);
            tree.countInode();
        }
        tree.knownDirectory(path);
        pendingDirectories.remove(path);
        pendingDirectories.put(path, entry);
    }

    private void regularFile(TarEntry entry, LayerPath path, Path onDisk, TarReader content) throws IOException {
        try (FileChannel out = createFile(path, onDisk)) {
            int filled;
            while ((filled = fill(content)) > 0) {
                direct.clear();
                direct.put(buffer, 0, filled).flip();
                while (direct.hasRemaining()) {
                    out.write(direct);
                }
                bytesWritten += filled;
            }
        }
        tree.countInode();
        metadata.apply(onDisk, entry, false);
    }

    /** Reads until the buffer is full or the entry ends, so each write(2) moves a big chunk. */
    private int fill(TarReader content) throws IOException {
        int filled = 0;
        int n;
        while (filled < buffer.length && (n = content.read(buffer, filled, buffer.length - filled)) > 0) {
            filled += n;
        }
        return filled;
    }

    private FileChannel createFile(LayerPath path, Path onDisk) throws IOException {
        // CREATE_NEW is O_CREAT|O_EXCL: it fails rather than follow anything already at the name
        try {
            return FileChannel.open(onDisk, NEW_FILE);
        } catch (FileAlreadyExistsException e) {
            clear(path, onDisk);
            return FileChannel.open(onDisk, NEW_FILE);
        }
    }

    private void symlink(TarEntry entry, LayerPath path, Path onDisk) throws IOException {
        createReplacing(path, onDisk, () -> syscalls.symlink(entry.linkName(), onDisk));
        tree.countInode();
        metadata.apply(onDisk, entry, true);
    }

    private void hardlink(TarEntry entry, LayerPath path, Path onDisk) throws IOException {
        LayerPath target = LayerPath.parse(entry.linkName(), entry.name(), "hardlink target");
        if (target.isRoot()) {
            throw new UnsafeLayerException(entry.name(), "hardlink target \"" + entry.linkName()
                    + "\" is the layer root");
        }
        Path targetOnDisk;
        try {
            targetOnDisk = tree.requireParents(target, entry.name());
        } catch (UnsafeLayerException e) {
            throw new UnsafeLayerException(entry.name(), "hardlink target \"" + entry.linkName() + "\": " + e.reason());
        }
        BasicFileAttributes targetAttrs = tree.lstat(targetOnDisk);
        if (targetAttrs == null) {
            throw new UnsafeLayerException(entry.name(), "hardlink target \"" + entry.linkName()
                    + "\" does not exist in the layer");
        }
        if (targetAttrs.isDirectory()) {
            throw new IOException("tar entry \"" + entry.name() + "\": hardlink target \"" + entry.linkName()
                    + "\" is a directory");
        }
        if (target.equals(path)) {
            return;
        }
        // link(2) on Linux links a symlink itself, never what it points to
        createReplacing(path, onDisk, () -> Files.createLink(onDisk, targetOnDisk));
    }

    private void node(TarEntry entry, LayerPath path, Path onDisk) throws IOException {
        NodeType type = switch (entry.type()) {
            case CHARACTER_DEVICE -> NodeType.CHARACTER_DEVICE;
            case BLOCK_DEVICE -> NodeType.BLOCK_DEVICE;
            default -> NodeType.FIFO;
        };
        if (type != NodeType.FIFO && !allowDevices) {
            throw new UnsafeLayerException(entry.name(), "is a " + (type == NodeType.BLOCK_DEVICE ? "block" : "character")
                    + " device, and device nodes are not allowed by this unpacker's configuration");
        }
        createReplacing(path, onDisk, () -> syscalls.mknod(onDisk, type, entry.mode(), entry.devMajor(),
                entry.devMinor()));
        tree.countInode();
        metadata.apply(onDisk, entry, false);
    }

    /**
     * Creates a new name; if an earlier entry holds it, removes that and tries once more. Every
     * creation used here fails with EEXIST on an existing name, symlinks included, so nothing is
     * ever written through a link.
     */
    private void createReplacing(LayerPath path, Path onDisk, Creation creation) throws IOException {
        try {
            creation.create();
            return;
        } catch (FileAlreadyExistsException e) {
            // fall through to replace
        } catch (ErrnoException e) {
            if (e.errno() != Errno.EEXIST) {
                throw e;
            }
        }
        clear(path, onDisk);
        creation.create();
    }

    @FunctionalInterface
    private interface Creation {
        void create() throws IOException;
    }

    /** Removes an earlier entry of the same name; a later entry always replaces, never writes through. */
    private void clear(LayerPath path, Path onDisk) throws IOException {
        BasicFileAttributes existing = tree.lstat(onDisk);
        if (existing == null) {
            return;
        }
        tree.remove(path, onDisk, existing);
        if (existing.isDirectory()) {
            pendingDirectories.keySet().removeIf(pending -> pending.within(path));
        }
    }
}
