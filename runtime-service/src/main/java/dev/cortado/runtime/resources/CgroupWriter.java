package dev.cortado.runtime.resources;

import dev.cortado.runtime.cgroup.Cgroup;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.oci.ResourceLimits;
import java.io.IOException;

/**
 * Writes limits into an existing cgroup's control files. Limits the request leaves unset are
 * not touched, so an update writes only what it changes.
 *
 * <p>Failures: a value the kernel refuses ({@code EINVAL}: a cpuset beyond the machine's CPUs)
 * or a unified key naming no file is an {@link IllegalArgumentException} naming the request
 * field; a controller the host lacks, or a limit the kernel cannot take now ({@code EBUSY}:
 * memory below what is in use), a {@code CriException} with FAILED_PRECONDITION.
 */
public interface CgroupWriter {

    /**
     * @param prefix the request field the limits came in, with a trailing dot
     *               ("linux.resources."), for error messages
     */
    void apply(Cgroup cgroup, ResourceLimits limits, String prefix) throws IOException;

    /** v2 files where the host has only cgroup v2; v1 files (and the cgroup2 mount for unified keys) otherwise. */
    static CgroupWriter forLayout(CgroupLayout layout) {
        return layout.isUnifiedOnly() ? new V2Writer(layout) : new V1Writer(layout);
    }
}
