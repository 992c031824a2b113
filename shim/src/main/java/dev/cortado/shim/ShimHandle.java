package dev.cortado.shim;

import java.nio.file.Path;

/**
 * A created container's shim: what the daemon records to find it again, also after a restart.
 *
 * @param shimPid the detached shim (a child of the host's init or subreaper, not of the daemon)
 * @param initPid the container's init, waiting at the start barrier
 */
public record ShimHandle(String id, long shimPid, long initPid, Path socket, Path exitFile) {
}
