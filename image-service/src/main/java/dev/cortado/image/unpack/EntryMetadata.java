package dev.cortado.image.unpack;

import dev.cortado.linux.Errno;
import dev.cortado.linux.ErrnoException;
import dev.cortado.linux.Syscalls;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Applies a tar entry's owner, mode, xattrs and times to what was just created, in the order
 * the kernel requires: chown clears setuid/setgid and file capabilities, so mode and xattrs come
 * after it, and times come last because the other changes do not touch mtime but writing does.
 * Every call acts on the path itself, never a symlink's target.
 */
final class EntryMetadata {

    /** Overlay's own bookkeeping: honouring it from a tar would let a layer steer overlay lookups. */
    private static final String OVERLAY_XATTRS = "trusted.overlay.";

    private final Syscalls syscalls;

    EntryMetadata(Syscalls syscalls) {
        this.syscalls = syscalls;
    }

    void apply(Path onDisk, TarEntry entry, boolean isSymlink) throws IOException {
        syscalls.lchown(onDisk, id(entry.uid(), "uid", entry), id(entry.gid(), "gid", entry));
        if (!isSymlink) {
            syscalls.chmodNoFollow(onDisk, entry.mode());
        }
        for (Map.Entry<String, byte[]> xattr : entry.xattrs().entrySet()) {
            setXattr(onDisk, xattr.getKey(), xattr.getValue());
        }
        syscalls.utimensatNoFollow(onDisk, entry.atime() != null ? entry.atime() : entry.mtime(), entry.mtime());
    }

    private void setXattr(Path onDisk, String name, byte[] value) throws IOException {
        if (name.startsWith(OVERLAY_XATTRS)) {
            return;
        }
        try {
            syscalls.lsetxattr(onDisk, name, value);
        } catch (ErrnoException e) {
            // a file system without that xattr namespace cannot hold it; docker skips these too
            if (e.errno() != Errno.EOPNOTSUPP) {
                throw e;
            }
        }
    }

    private static int id(long value, String what, TarEntry entry) throws IOException {
        if (value < 0 || value > 0xfffffffeL) {
            throw new IOException("tar entry \"" + entry.name() + "\": " + what + " " + value + " is out of range");
        }
        return (int) value;
    }
}
