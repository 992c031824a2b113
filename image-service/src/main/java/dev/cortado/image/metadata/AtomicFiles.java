package dev.cortado.image.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes that survive {@code kill -9} and power loss at any instant: the new content goes to a
 * temporary file in the same directory, is flushed, renamed over the target and the directory
 * entry is flushed too. A reader sees either the old file or the new one, never a mix.
 */
public final class AtomicFiles {

    /** Records hold pod and container configs, environment included: root alone reads them. */
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private AtomicFiles() {
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, content, true);
    }

    /**
     * Replaces a file atomically without flushing it: for volatile state under the state
     * directory, which a daemon crash leaves in the page cache and a reboot discards anyway.
     */
    public static void writeVolatile(Path target, byte[] content) throws IOException {
        write(target, content, false);
    }

    private static void write(Path target, byte[] content, boolean durable) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    OWNER_ONLY)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                if (durable) {
                    out.force(true);
                }
            }
            if (durable) {
                moveDurably(temp, target);
            } else {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Renames {@code from} over {@code to} atomically and flushes the directory entry. */
    public static void moveDurably(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically: " + e.getMessage(), e);
        }
        syncDirectory(to.toAbsolutePath().getParent());
    }

    /** Flushes a directory's entries (a created, renamed or deleted name) to disk. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Removes stray temporary files a crash may have left in {@code dir}. */
    public static void removeTemporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var names = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path stray : names) {
                Files.deleteIfExists(stray);
            }
        }
    }
}
