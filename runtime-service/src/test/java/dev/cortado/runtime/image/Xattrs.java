package dev.cortado.runtime.image;

import dev.cortado.linux.ErrnoException;
import dev.cortado.linux.Syscalls;
import java.io.IOException;
import java.nio.file.Path;

/** Extended attributes of a path itself (never through a symlink), for assertions. */
final class Xattrs {

    private static final int ENODATA = 61;

    private final Syscalls syscalls = new Syscalls();

    /** The raw value of the attribute, or null when the path has none by that name. */
    byte[] get(Path path, String name) throws IOException {
        try {
            return syscalls.lgetxattr(path, name);
        } catch (ErrnoException e) {
            if (e.errno() == ENODATA) {
                return null;
            }
            throw e;
        }
    }
}
