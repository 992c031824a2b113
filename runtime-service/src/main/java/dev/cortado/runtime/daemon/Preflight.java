package dev.cortado.runtime.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.logging.Logger;

/**
 * What must hold before the daemon starts, each failure with a message that says what to fix:
 * the kernel has overlayfs, the root is writable and no other daemon uses it, and the socket
 * path is not held by a live daemon (a stale socket file is replaced).
 */
final class Preflight {

    private static final Logger LOG = Logger.getLogger(Preflight.class.getName());

    private Preflight() {
    }

    static void requireOverlayfs(Path filesystems) throws StartupException {
        try {
            for (String line : Files.readAllLines(filesystems)) {
                String[] fields = line.trim().split("\\s+");
                if (fields[fields.length - 1].equals("overlay")) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new StartupException("cannot read " + filesystems + " to check for overlayfs: " + e.getMessage());
        }
        throw new StartupException("the kernel lacks overlayfs (not in " + filesystems
                + "); load it with `modprobe overlay`");
    }

    /** Creates the directory if needed and proves it writable. */
    static void requireWritableDirectory(Path dir, String what) throws StartupException {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | UnsupportedOperationException e) {
            throw new StartupException(what + " directory " + dir + " is not writable: " + describe(e));
        }
    }

    /** Holds an exclusive lock on the root for the daemon's lifetime: one daemon per root. */
    static FileLock lockRoot(Path root) throws StartupException {
        Path lockFile = root.resolve("cortado.lock");
        try {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new StartupException("root " + root + " is in use by another cortado daemon (" + lockFile
                        + " is locked)");
            }
            return lock;
        } catch (IOException e) {
            throw new StartupException("cannot lock " + lockFile + ": " + describe(e));
        }
    }

    /** Refuses a socket a live daemon answers on; removes a stale one. */
    static void claimSocket(Path socket) throws StartupException {
        if (!Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            throw new StartupException("socket " + socket + " is in use by a live daemon; stop it first or choose"
                    + " another path with --socket");
        } catch (IOException refused) {
            try {
                Files.delete(socket);
                LOG.info("replaced stale socket " + socket);
            } catch (IOException e) {
                throw new StartupException("cannot remove stale socket " + socket + ": " + describe(e));
            }
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + " " + message;
    }
}
