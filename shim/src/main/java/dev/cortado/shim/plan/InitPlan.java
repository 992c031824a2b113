package dev.cortado.shim.plan;

import java.util.List;
import java.util.Map;

/**
 * Everything the container init (or an exec child) does between clone and exec, decided by the
 * daemon. Encoded as plan-v1 (see shim/PROTOCOL.md) by {@code InitPlanWriter}.
 *
 * @param args            argv; argv[0] is the program (ignored when {@code pause})
 * @param env             the whole environment, {@code K=V}
 * @param cwd             working directory inside the container, or null for "/"
 * @param hostname        set when the init has its own UTS namespace, or null
 * @param rootfs          absolute host path of the mounted root filesystem, or null to keep the
 *                        current root (pod init, exec)
 * @param rootfsReadonly  remount the root read-only after all mounts
 * @param noPivot         use MS_MOVE + chroot instead of pivot_root
 * @param newNamespaces   CLONE_NEW* bits of the namespaces the clone creates
 * @param joins           namespaces to enter before the clone, in order
 * @param mounts          mounts made inside the new mount namespace, in order
 * @param maskedPaths     paths hidden after the mounts
 * @param readonlyPaths   paths made read-only after the masks
 * @param devices         nodes created in the container's /dev
 * @param sysctls         namespaced sysctls, dotted keys
 * @param rlimits         resource limits
 * @param uid             user after the drop
 * @param gid             group after the drop
 * @param groups          supplementary groups
 * @param capabilities    the five capability sets
 * @param noNewPrivileges set PR_SET_NO_NEW_PRIVS
 * @param seccomp         a BPF program to load last, or null
 * @param oomScoreAdj     written for the init before it runs, or null to inherit
 * @param cgroupProcs     cgroup.procs files the shim puts the init (or exec child) into
 * @param tty             stdio on a pty
 * @param stdin           a stdin pipe the shim keeps open for attach
 * @param stdinOnce       close stdin after the first attach detaches
 * @param pause           pod init: reap as pid 1 instead of exec
 * @param logMaxLine      longest CRI log record before splitting, 0 for the default
 */
public record InitPlan(List<String> args, List<String> env, String cwd, String hostname, String rootfs,
                       boolean rootfsReadonly, boolean noPivot, int newNamespaces, List<NamespaceJoin> joins,
                       List<MountSpec> mounts, List<String> maskedPaths, List<String> readonlyPaths,
                       List<DeviceNode> devices, Map<String, String> sysctls, List<Rlimit> rlimits, int uid, int gid,
                       List<Integer> groups, Capabilities capabilities, boolean noNewPrivileges, Seccomp seccomp,
                       Integer oomScoreAdj, List<String> cgroupProcs, boolean tty, boolean stdin, boolean stdinOnce,
                       boolean pause, int logMaxLine) {

    public InitPlan {
        args = List.copyOf(args);
        env = List.copyOf(env);
        joins = List.copyOf(joins);
        mounts = List.copyOf(mounts);
        maskedPaths = List.copyOf(maskedPaths);
        readonlyPaths = List.copyOf(readonlyPaths);
        devices = List.copyOf(devices);
        sysctls = Map.copyOf(sysctls);
        rlimits = List.copyOf(rlimits);
        groups = List.copyOf(groups);
        cgroupProcs = List.copyOf(cgroupProcs);
        if (args.isEmpty() && !pause) {
            throw new IllegalArgumentException("an init plan needs a command unless it is a pod init");
        }
    }

    /** The CLONE_NEW* bits, as Linux numbers them. */
    public static final int CLONE_NEWNS = 0x00020000;
    public static final int CLONE_NEWCGROUP = 0x02000000;
    public static final int CLONE_NEWUTS = 0x04000000;
    public static final int CLONE_NEWIPC = 0x08000000;
    public static final int CLONE_NEWUSER = 0x10000000;
    public static final int CLONE_NEWPID = 0x20000000;
    public static final int CLONE_NEWNET = 0x40000000;

    /** A namespace entered before the clone. @param type one CLONE_NEW* bit */
    public record NamespaceJoin(int type, String path) {
    }

    /**
     * One mount. @param kind 0 directory target, 1 file target, 2 propagation of "/" only,
     * 3 symlink (source is the link text)
     */
    public record MountSpec(String source, String target, String fsType, long flags, String data, long propagation,
                            int kind) {
        public static final int DIRECTORY = 0;
        public static final int FILE = 1;
        public static final int ROOT_PROPAGATION = 2;
        public static final int SYMLINK = 3;
    }

    /** A device node. @param type S_IFCHR (0020000) or S_IFBLK (0060000) */
    public record DeviceNode(String path, int type, int major, int minor, int mode, int uid, int gid) {
    }

    public record Rlimit(int resource, long soft, long hard) {
    }

    /** Capability sets as bit masks: bit n is capability number n. */
    public record Capabilities(long bounding, long effective, long inheritable, long permitted, long ambient) {
    }

    /** A BPF program: {@code filter} holds struct sock_filter entries, 8 bytes each. */
    public record Seccomp(int flags, byte[] filter) {
    }
}
