package dev.cortado.shim.plan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Encodes an {@link InitPlan} as plan-v1 (shim/PROTOCOL.md section 2) and writes plan files.
 *
 * <p>Records are written in tag order; repeated records keep the plan's order (sysctls, which
 * come as a map, are sorted by key so that equal plans give equal bytes). Records whose value
 * is the default are left out: false booleans, a null cwd, hostname, rootfs, capability sets,
 * seccomp program or oom_score_adj, zero NEW_NAMESPACES and LOG_MAX_LINE. USER and GROUPS are
 * always written: without them the init would keep the shim's own identity and supplementary
 * groups, which is never what a container should get by accident.
 */
public final class InitPlanWriter {
    public static final String MAGIC = "CRTDPLAN";
    public static final int VERSION = 1;
    /** magic, version, count. */
    static final int HEADER_BYTES = 16;

    /** The plan's bytes, after checking everything the shim would otherwise fail on late. */
    public byte[] encode(InitPlan plan) {
        InitPlanChecks.check(plan);
        Encoder out = new Encoder();
        for (String arg : plan.args()) {
            out.begin(PlanTag.ARG).bytes(PlanStrings.encode("ARG", arg, PlanLimits.ARG_BYTES));
        }
        for (String entry : plan.env()) {
            out.begin(PlanTag.ENV).bytes(PlanStrings.encode("ENV", entry, PlanLimits.ARG_BYTES));
        }
        if (plan.cwd() != null) {
            out.begin(PlanTag.CWD).bytes(PlanStrings.absolutePath("CWD", plan.cwd()));
        }
        if (plan.hostname() != null) {
            byte[] name = PlanStrings.encode("HOSTNAME", plan.hostname(), PlanLimits.HOSTNAME_BYTES);
            if (name.length == 0) {
                throw new InvalidPlanException("HOSTNAME is empty");
            }
            out.begin(PlanTag.HOSTNAME).bytes(name);
        }
        if (plan.rootfs() != null) {
            out.begin(PlanTag.ROOTFS).bytes(PlanStrings.absolutePath("ROOTFS", plan.rootfs()));
        }
        out.flag(PlanTag.ROOTFS_READONLY, plan.rootfsReadonly());
        out.flag(PlanTag.NO_PIVOT, plan.noPivot());
        if (plan.newNamespaces() != 0) {
            out.begin(PlanTag.NEW_NAMESPACES).u32(plan.newNamespaces());
        }
        for (InitPlan.NamespaceJoin join : plan.joins()) {
            out.begin(PlanTag.JOIN_NAMESPACE).u32(join.type())
                    .prefixed(PlanStrings.absolutePath("JOIN_NAMESPACE path", join.path()));
        }
        for (InitPlan.MountSpec mount : plan.mounts()) {
            writeMount(out, mount);
        }
        for (String path : plan.maskedPaths()) {
            out.begin(PlanTag.MASK).bytes(PlanStrings.absolutePath("MASK", path));
        }
        for (String path : plan.readonlyPaths()) {
            out.begin(PlanTag.READONLY).bytes(PlanStrings.absolutePath("READONLY", path));
        }
        for (InitPlan.DeviceNode device : plan.devices()) {
            out.begin(PlanTag.DEVICE).prefixed(PlanStrings.absolutePath("DEVICE", device.path()))
                    .u32(device.type()).u32(device.major()).u32(device.minor())
                    .u32(device.mode()).u32(device.uid()).u32(device.gid());
        }
        for (Map.Entry<String, String> sysctl : new TreeMap<>(plan.sysctls()).entrySet()) {
            out.begin(PlanTag.SYSCTL)
                    .prefixed(PlanStrings.encode("SYSCTL key", sysctl.getKey(), PlanLimits.PATH_BYTES))
                    .prefixed(PlanStrings.encode("SYSCTL " + sysctl.getKey() + " value", sysctl.getValue(),
                            PlanLimits.MOUNT_DATA_BYTES));
        }
        for (InitPlan.Rlimit limit : plan.rlimits()) {
            out.begin(PlanTag.RLIMIT).u32(limit.resource()).u64(limit.soft()).u64(limit.hard());
        }
        out.begin(PlanTag.USER).u32(plan.uid()).u32(plan.gid());
        PlanBytes groups = out.begin(PlanTag.GROUPS);
        for (int group : plan.groups()) {
            groups.u32(group);
        }
        InitPlan.Capabilities caps = plan.capabilities();
        if (caps != null) {
            out.begin(PlanTag.CAPS).u64(caps.bounding()).u64(caps.effective()).u64(caps.inheritable())
                    .u64(caps.permitted()).u64(caps.ambient());
        }
        out.flag(PlanTag.NO_NEW_PRIVS, plan.noNewPrivileges());
        if (plan.seccomp() != null) {
            out.begin(PlanTag.SECCOMP).u32(plan.seccomp().flags()).bytes(plan.seccomp().filter());
        }
        if (plan.oomScoreAdj() != null) {
            out.begin(PlanTag.OOM_SCORE_ADJ).u32(plan.oomScoreAdj());
        }
        for (String path : plan.cgroupProcs()) {
            out.begin(PlanTag.CGROUP_PROCS).bytes(PlanStrings.absolutePath("CGROUP_PROCS", path));
        }
        out.flag(PlanTag.TTY, plan.tty());
        out.flag(PlanTag.STDIN, plan.stdin());
        out.flag(PlanTag.STDIN_ONCE, plan.stdinOnce());
        out.flag(PlanTag.PAUSE, plan.pause());
        if (plan.logMaxLine() != 0) {
            out.begin(PlanTag.LOG_MAX_LINE).u32(plan.logMaxLine());
        }
        return out.finish();
    }

    /**
     * Writes the plan to {@code file} so that a reader sees either no file or the whole plan: a
     * temporary file in the same directory (mode 0600: plans hold environments, which hold
     * secrets), fsynced, renamed over {@code file}, then the directory fsynced.
     */
    public void write(InitPlan plan, Path file) throws IOException {
        byte[] bytes = encode(plan);
        Path dir = file.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + file.getFileName() + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("init plan " + file + ": cannot rename into place atomically: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(temp);
        }
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    private static void writeMount(Encoder out, InitPlan.MountSpec mount) {
        String target = orEmpty(mount.target());
        byte[] targetBytes = PlanStrings.encode("MOUNT target", target, PlanLimits.PATH_BYTES);
        out.begin(PlanTag.MOUNT)
                .prefixed(PlanStrings.encode("MOUNT " + target + " source", orEmpty(mount.source()), PlanLimits.PATH_BYTES))
                .prefixed(targetBytes)
                .prefixed(PlanStrings.encode("MOUNT " + target + " type", orEmpty(mount.fsType()), PlanLimits.FSTYPE_BYTES))
                .u64(mount.flags())
                .prefixed(PlanStrings.encode("MOUNT " + target + " data", orEmpty(mount.data()),
                        PlanLimits.MOUNT_DATA_BYTES))
                .u64(mount.propagation())
                .u32(mount.kind());
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /** Frames records: each begin() closes the previous record by patching in its length. */
    private static final class Encoder {
        private final PlanBytes out = new PlanBytes();
        private int count;
        private int openLengthAt = -1;

        Encoder() {
            out.bytes(MAGIC.getBytes(StandardCharsets.US_ASCII)).u32(VERSION).u32(0);
        }

        PlanBytes begin(PlanTag tag) {
            close();
            out.u16(tag.code());
            openLengthAt = out.size();
            out.u32(0);
            count++;
            return out;
        }

        void flag(PlanTag tag, boolean value) {
            if (value) {
                begin(tag).bytes(new byte[] {1});
            }
        }

        byte[] finish() {
            close();
            if (out.size() > PlanLimits.PLAN_BYTES) {
                throw new InvalidPlanException("the plan is " + out.size() + " bytes; at most "
                        + PlanLimits.PLAN_BYTES + " are allowed");
            }
            out.patchU32(12, count);
            return out.toByteArray();
        }

        private void close() {
            if (openLengthAt >= 0) {
                out.patchU32(openLengthAt, out.size() - openLengthAt - 4);
                openLengthAt = -1;
            }
        }
    }
}
