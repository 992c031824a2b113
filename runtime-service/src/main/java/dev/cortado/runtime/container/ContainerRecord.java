package dev.cortado.runtime.container;

import java.util.List;

/**
 * What is remembered about a container across daemon restarts.
 *
 * @param config      the kubelet's ContainerConfig, protobuf-encoded
 * @param imageId     the image id (config digest) it was created from
 * @param imageRef    a digested reference to the image, for ContainerStatus.image_ref
 * @param topChainId  the chainID its root filesystem stacks on (kept from garbage collection)
 * @param state       CREATED, RUNNING or EXITED
 * @param times       nanoseconds since the epoch, 0 when not yet
 * @param exitCode    the exit status once EXITED
 * @param reason      Completed, Error, StartError, ShimDied... once EXITED
 * @param logPath     the CRI log's host path, or "" for none
 * @param cgroup      the container's cgroup path
 * @param shimPid     its shim's pid
 * @param initPid     its init's pid (the container's process once started)
 * @param uid         the user it runs as, and its group and supplementary groups
 */
public record ContainerRecord(String id, String sandboxId, byte[] config, String imageId, String imageRef,
                              String topChainId, String state, long createdAt, long startedAt, long finishedAt,
                              int exitCode, String reason, String message, String logPath, String cgroup,
                              long shimPid, long initPid, long uid, long gid, List<Long> groups) {

    public static final String CREATED = "CREATED";
    public static final String RUNNING = "RUNNING";
    public static final String EXITED = "EXITED";

    public ContainerRecord {
        groups = groups == null ? List.of() : List.copyOf(groups);
        reason = reason == null ? "" : reason;
        message = message == null ? "" : message;
    }

    public ContainerRecord created(long shim, long init) {
        return new ContainerRecord(id, sandboxId, config, imageId, imageRef, topChainId, CREATED, createdAt, 0, 0, 0,
                "", "", logPath, cgroup, shim, init, uid, gid, groups);
    }

    public ContainerRecord running(long startedAtNanos) {
        return new ContainerRecord(id, sandboxId, config, imageId, imageRef, topChainId, RUNNING, createdAt,
                startedAtNanos, 0, 0, "", "", logPath, cgroup, shimPid, initPid, uid, gid, groups);
    }

    public ContainerRecord exited(long finishedAtNanos, int code, String why, String detail) {
        return new ContainerRecord(id, sandboxId, config, imageId, imageRef, topChainId, EXITED, createdAt, startedAt,
                finishedAtNanos, code, why, detail, logPath, cgroup, shimPid, initPid, uid, gid, groups);
    }

    /** After UpdateContainerResources: the config with its new linux.resources. */
    public ContainerRecord withConfig(byte[] newConfig) {
        return new ContainerRecord(id, sandboxId, newConfig, imageId, imageRef, topChainId, state, createdAt, startedAt,
                finishedAt, exitCode, reason, message, logPath, cgroup, shimPid, initPid, uid, gid, groups);
    }

    public ContainerRecord withUser(long newUid, long newGid, List<Long> newGroups) {
        return new ContainerRecord(id, sandboxId, config, imageId, imageRef, topChainId, state, createdAt, startedAt,
                finishedAt, exitCode, reason, message, logPath, cgroup, shimPid, initPid, newUid, newGid, newGroups);
    }
}
