package dev.cortado.shim.plan;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks on an init plan that are about meaning rather than encoding: namespace bits that
 * exist, mounts only inside a new mount namespace, capability sets the kernel accepts, ranges.
 * String contents and sizes are checked as they are encoded ({@link PlanStrings}).
 */
final class InitPlanChecks {
    static final int KNOWN_NAMESPACES = InitPlan.CLONE_NEWNS | InitPlan.CLONE_NEWCGROUP | InitPlan.CLONE_NEWUTS
            | InitPlan.CLONE_NEWIPC | InitPlan.CLONE_NEWPID | InitPlan.CLONE_NEWNET;
    static final int S_IFCHR = 0020000;
    static final int S_IFBLK = 0060000;

    private InitPlanChecks() {
    }

    static void check(InitPlan plan) {
        checkCommand(plan);
        checkNamespaces(plan);
        checkFilesystem(plan);
        checkIdentity(plan);
        checkLimits(plan);
    }

    private static void checkCommand(InitPlan plan) {
        if (!plan.pause() && plan.args().get(0).isEmpty()) {
            throw new InvalidPlanException("ARG 0 (the program) is empty");
        }
        for (String entry : plan.env()) {
            if (entry == null || entry.indexOf('=') <= 0) {
                throw new InvalidPlanException("ENV " + PlanStrings.quote(String.valueOf(entry))
                        + " is not of the form NAME=value");
            }
        }
        if (plan.cwd() != null && !plan.cwd().startsWith("/")) {
            throw new InvalidPlanException("CWD " + PlanStrings.quote(plan.cwd()) + " must be an absolute path");
        }
    }

    private static void checkNamespaces(InitPlan plan) {
        int fresh = plan.newNamespaces();
        if ((fresh & InitPlan.CLONE_NEWUSER) != 0) {
            throw new InvalidPlanException("user namespaces are not supported in plan-v1");
        }
        if ((fresh & ~KNOWN_NAMESPACES) != 0) {
            throw new InvalidPlanException(String.format("NEW_NAMESPACES 0x%x has bits that are not namespaces: 0x%x",
                    fresh, fresh & ~KNOWN_NAMESPACES));
        }
        Set<Integer> joined = new HashSet<>();
        for (InitPlan.NamespaceJoin join : plan.joins()) {
            int type = join.type();
            if (type == InitPlan.CLONE_NEWUSER) {
                throw new InvalidPlanException("joining a user namespace is not supported in plan-v1 ("
                        + join.path() + ")");
            }
            if (Integer.bitCount(type) != 1 || (type & KNOWN_NAMESPACES) == 0) {
                throw new InvalidPlanException(String.format("JOIN_NAMESPACE type 0x%x for %s is not one namespace bit",
                        type, join.path()));
            }
            if ((fresh & type) != 0) {
                throw new InvalidPlanException(String.format(
                        "namespace 0x%x is both joined (%s) and created new", type, join.path()));
            }
            if (!joined.add(type)) {
                throw new InvalidPlanException(String.format("namespace 0x%x is joined twice (%s)", type, join.path()));
            }
        }
        if (plan.hostname() != null && (fresh & InitPlan.CLONE_NEWUTS) == 0) {
            throw new InvalidPlanException("HOSTNAME " + PlanStrings.quote(plan.hostname())
                    + " needs a new UTS namespace (it would rename the namespace it joins)");
        }
    }

    /** Everything that mounts or creates files must happen in a mount namespace of its own. */
    private static void checkFilesystem(InitPlan plan) {
        boolean ownMounts = (plan.newNamespaces() & InitPlan.CLONE_NEWNS) != 0;
        boolean touchesMounts = plan.rootfs() != null || !plan.mounts().isEmpty() || !plan.maskedPaths().isEmpty()
                || !plan.readonlyPaths().isEmpty() || !plan.devices().isEmpty() || plan.rootfsReadonly();
        if (touchesMounts && !ownMounts) {
            throw new InvalidPlanException("ROOTFS, MOUNT, MASK, READONLY and DEVICE records need a new mount"
                    + " namespace (CLONE_NEWNS in NEW_NAMESPACES); without one they would change the host");
        }
        if (plan.rootfsReadonly() && plan.rootfs() == null) {
            throw new InvalidPlanException("ROOTFS_READONLY without a ROOTFS");
        }
        int rootPropagations = 0;
        for (int i = 0; i < plan.mounts().size(); i++) {
            checkMount(i, plan.mounts().get(i));
            if (plan.mounts().get(i).kind() == InitPlan.MountSpec.ROOT_PROPAGATION) {
                rootPropagations++;
            }
        }
        if (rootPropagations > 1) {
            throw new InvalidPlanException("more than one MOUNT of kind ROOT_PROPAGATION (2)");
        }
        for (InitPlan.DeviceNode device : plan.devices()) {
            checkDevice(device);
        }
    }

    private static void checkMount(int index, InitPlan.MountSpec mount) {
        String name = "MOUNT " + index + " (" + mount.target() + ")";
        if (mount.kind() < InitPlan.MountSpec.DIRECTORY || mount.kind() > InitPlan.MountSpec.SYMLINK) {
            throw new InvalidPlanException(name + " has kind " + mount.kind() + "; plan-v1 knows 0 to 3");
        }
        long propagation = mount.propagation();
        if ((propagation & ~(MountFlags.PROPAGATION_TYPES | MountFlags.MS_REC)) != 0
                || (propagation != 0 && Long.bitCount(propagation & MountFlags.PROPAGATION_TYPES) != 1)) {
            throw new InvalidPlanException(String.format(
                    "%s propagation 0x%x is not one of MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE (with MS_REC)",
                    name, propagation));
        }
        if (mount.kind() == InitPlan.MountSpec.ROOT_PROPAGATION) {
            if (propagation == 0) {
                throw new InvalidPlanException(name + " of kind ROOT_PROPAGATION has no propagation");
            }
            return;
        }
        if (mount.target() == null || mount.target().isEmpty() || mount.target().equals("/")) {
            throw new InvalidPlanException(name + " needs a target below the root");
        }
        if (mount.kind() == InitPlan.MountSpec.SYMLINK && (mount.source() == null || mount.source().isEmpty())) {
            throw new InvalidPlanException(name + " is a symlink with no text");
        }
        if (mount.kind() != InitPlan.MountSpec.SYMLINK && (mount.flags() & MountFlags.MS_BIND) == 0
                && (mount.fsType() == null || mount.fsType().isEmpty())) {
            throw new InvalidPlanException(name + " has neither a filesystem type nor MS_BIND");
        }
    }

    private static void checkDevice(InitPlan.DeviceNode device) {
        String name = "DEVICE " + device.path();
        if (device.path() == null || !device.path().startsWith("/dev/")) {
            throw new InvalidPlanException(name + ": device nodes are made below /dev/");
        }
        if (device.type() != S_IFCHR && device.type() != S_IFBLK) {
            throw new InvalidPlanException(String.format("%s: type 0%o is neither S_IFCHR (020000) nor S_IFBLK (060000)",
                    name, device.type()));
        }
        if ((device.mode() & ~07777) != 0) {
            throw new InvalidPlanException(String.format("%s: mode 0%o has bits beyond 07777", name, device.mode()));
        }
        // dev_t: 12 bits of major, 20 of minor in the kernel's internal form
        if (device.major() < 0 || device.major() >= 1 << 12 || device.minor() < 0 || device.minor() >= 1 << 20) {
            throw new InvalidPlanException(name + ": device number " + device.major() + ":" + device.minor()
                    + " is out of range");
        }
        checkId(name + " uid", device.uid());
        checkId(name + " gid", device.gid());
    }

    private static void checkIdentity(InitPlan plan) {
        checkId("USER uid", plan.uid());
        checkId("USER gid", plan.gid());
        if (plan.groups().size() > PlanLimits.GROUPS) {
            throw new InvalidPlanException("GROUPS has " + plan.groups().size() + " entries; at most "
                    + PlanLimits.GROUPS + " are allowed");
        }
        for (Integer group : plan.groups()) {
            checkId("GROUPS entry", group);
        }
        InitPlan.Capabilities caps = plan.capabilities();
        if (caps != null) {
            if ((caps.effective() & ~caps.permitted()) != 0) {
                throw new InvalidPlanException(String.format(
                        "CAPS: effective capabilities 0x%x are not all permitted (0x%x)", caps.effective(), caps.permitted()));
            }
            long allowedAmbient = caps.permitted() & caps.inheritable();
            if ((caps.ambient() & ~allowedAmbient) != 0) {
                throw new InvalidPlanException(String.format(
                        "CAPS: ambient capabilities 0x%x must be both permitted and inheritable (0x%x)",
                        caps.ambient(), allowedAmbient));
            }
        }
        InitPlan.Seccomp seccomp = plan.seccomp();
        if (seccomp != null) {
            int length = seccomp.filter() == null ? 0 : seccomp.filter().length;
            if (length == 0 || length % PlanLimits.SOCK_FILTER_BYTES != 0
                    || length / PlanLimits.SOCK_FILTER_BYTES > PlanLimits.SECCOMP_INSTRUCTIONS) {
                throw new InvalidPlanException("SECCOMP filter is " + length + " bytes; it must be 1 to "
                        + PlanLimits.SECCOMP_INSTRUCTIONS + " instructions of 8 bytes");
            }
        }
    }

    private static void checkLimits(InitPlan plan) {
        Set<Integer> resources = new HashSet<>();
        for (InitPlan.Rlimit limit : plan.rlimits()) {
            if (limit.resource() < 0 || limit.resource() >= PlanLimits.RLIMIT_RESOURCES) {
                throw new InvalidPlanException("RLIMIT resource " + limit.resource() + " does not exist (0 to "
                        + (PlanLimits.RLIMIT_RESOURCES - 1) + ")");
            }
            if (!resources.add(limit.resource())) {
                throw new InvalidPlanException("RLIMIT resource " + limit.resource() + " is given twice");
            }
            if (Long.compareUnsigned(limit.soft(), limit.hard()) > 0) {
                throw new InvalidPlanException("RLIMIT resource " + limit.resource() + ": soft limit "
                        + Long.toUnsignedString(limit.soft()) + " is above the hard limit "
                        + Long.toUnsignedString(limit.hard()));
            }
        }
        Integer oom = plan.oomScoreAdj();
        if (oom != null && (oom < -1000 || oom > 1000)) {
            throw new InvalidPlanException("OOM_SCORE_ADJ " + oom + " is outside -1000..1000");
        }
        if (plan.logMaxLine() < 0 || plan.logMaxLine() > PlanLimits.LOG_MAX_LINE) {
            throw new InvalidPlanException("LOG_MAX_LINE " + plan.logMaxLine() + " is outside 0.."
                    + PlanLimits.LOG_MAX_LINE + " (0 means the default)");
        }
        for (String key : plan.sysctls().keySet()) {
            if (!key.matches("[^./\\s]+(\\.[^./\\s]+)*")) {
                throw new InvalidPlanException("SYSCTL key " + PlanStrings.quote(key)
                        + " is not dotted names (net.ipv4.ip_forward); '/', empty names and spaces are refused");
            }
        }
        for (String path : plan.cgroupProcs()) {
            if (path == null || !path.startsWith("/") || !path.endsWith("/cgroup.procs")) {
                throw new InvalidPlanException("CGROUP_PROCS " + PlanStrings.quote(String.valueOf(path))
                        + " is not an absolute path to a cgroup.procs file");
            }
        }
    }

    /** -1 is the "no change" value of setuid/setgid/chown, never an identity. */
    private static void checkId(String field, Integer id) {
        if (id == null || id == -1) {
            throw new InvalidPlanException(field + " " + id + " is not a valid id");
        }
    }
}
