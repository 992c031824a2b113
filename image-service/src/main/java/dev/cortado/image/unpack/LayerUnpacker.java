package dev.cortado.image.unpack;

import dev.cortado.linux.Syscalls;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Writes one uncompressed OCI layer tar into one directory that becomes an overlayfs lower
 * layer: whiteouts become 0:0 character devices, opaque markers become
 * {@code trusted.overlay.opaque=y}, and nothing is ever created, changed or followed outside the
 * directory ({@link UnsafeLayerException} otherwise). Stateless between calls; safe to share.
 */
public final class LayerUnpacker {

    private final Syscalls syscalls;
    private final boolean allowDevices;

    /**
     * @param allowDevices whether character and block device entries are created (a privileged
     *                     runtime) or refused; fifos and whiteouts are always allowed
     */
    public LayerUnpacker(Syscalls syscalls, boolean allowDevices) {
        this.syscalls = syscalls;
        this.allowDevices = allowDevices;
    }

    /**
     * Unpacks {@code tar} into {@code target}, an existing directory that no one else writes to
     * meanwhile, then reads the stream to its end so that a digest over it covers every byte. The
     * stream is not closed. On failure the directory holds a partial layer: discard it.
     */
    public UnpackStats unpack(InputStream tar, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("layer target " + root + " is not a directory (or is a symlink)");
        }
        UnpackSession session = new UnpackSession(syscalls, allowDevices, root);
        TarReader reader = new TarReader(tar);
        TarEntry entry;
        while ((entry = reader.next()) != null) {
            try {
                session.apply(entry, reader);
            } catch (IllegalArgumentException e) {
                // InvalidPathException, or a name the file name charset cannot encode
                throw new IOException("tar entry \"" + entry.name() + "\" cannot be written: " + e.getMessage()
                        + localeHint(), e);
            }
        }
        UnpackStats stats = session.finish();
        reader.drainToEnd();
        return stats;
    }

    /** Java names files in sun.jnu.encoding, which follows the locale: non-ASCII needs UTF-8. */
    private static String localeHint() {
        String encoding = System.getProperty("sun.jnu.encoding", "");
        return encoding.equalsIgnoreCase("UTF-8") ? ""
                : " (the JVM encodes file names as " + encoding + "; run it under a UTF-8 locale such as LANG=C.UTF-8)";
    }
}
