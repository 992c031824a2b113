package dev.cortado.runtime.mount;

import dev.cortado.linux.ErrnoException;
import dev.cortado.linux.Errno;
import dev.cortado.linux.MountApi;
import dev.cortado.linux.MountFlags;
import dev.cortado.linux.Syscalls;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Mounts a container's root filesystem: overlayfs with the lower layers given top first, its
 * writable upper layer and overlay's work directory. On kernels with {@code lowerdir+} (6.8+)
 * each layer is its own option and any number fits; older kernels get one {@code mount(2)} whose
 * option string uses the snapshots' short links.
 */
public final class OverlayMounter {

    private final MountApi api;
    private final Syscalls syscalls;
    private volatile boolean layerByLayer = true;

    public OverlayMounter(MountApi api, Syscalls syscalls) {
        this.api = api;
        this.syscalls = syscalls;
    }

    /**
     * @param lowers      layer directories, top first (for the new API)
     * @param shortLowers the same layers as short paths (for the one-string fallback)
     */
    public void mount(List<Path> lowers, List<Path> shortLowers, Path upper, Path work, Path target)
            throws IOException {
        if (layerByLayer) {
            try (MountApi.Configuration overlay = api.open("overlay")) {
                for (Path lower : lowers) {
                    overlay.set("lowerdir+", lower.toString());
                }
                overlay.set("upperdir", upper.toString()).set("workdir", work.toString());
                overlay.mountAt(target, 0);
                return;
            } catch (ErrnoException e) {
                if (e.errno() != Errno.EINVAL && e.errno() != 38 /* ENOSYS */) {
                    throw e;
                }
                // no lowerdir+ (kernel before 6.8) or no fsopen: the classic call below
                layerByLayer = false;
            }
        }
        String options = "lowerdir=" + shortLowers.stream().map(Path::toString).collect(Collectors.joining(":"))
                + ",upperdir=" + upper + ",workdir=" + work;
        syscalls.mount("overlay", target, "overlay", 0, options);
    }

    /** Unmounts; a busy mount is detached instead (it goes once the last user lets go). */
    public void unmount(Path target) throws IOException {
        try {
            syscalls.umount2(target, 0);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.EINVAL || e.errno() == Errno.ENOENT) {
                return; // not mounted
            }
            if (e.errno() != Errno.EBUSY) {
                throw e;
            }
            syscalls.umount2(target, MountFlags.MNT_DETACH);
        }
    }
}
