package dev.cortado.runtime.oci;

import dev.cortado.shim.plan.InitPlan;

import java.util.List;

/**
 * The device nodes and links the OCI runtime spec requires in every container's /dev (a tmpfs),
 * with the device-cgroup rules that let the container use them. /dev/console is the pty's
 * business (bound by the init when there is a tty) and /dev/core (a link to the masked
 * /proc/kcore) is left out.
 */
public final class DefaultDevices {

    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;

    private static final int RW_ALL = 0666;

    private static final List<InitPlan.DeviceNode> NODES = List.of(
            chr("/dev/null", 1, 3), chr("/dev/zero", 1, 5), chr("/dev/full", 1, 7),
            chr("/dev/random", 1, 8), chr("/dev/urandom", 1, 9), chr("/dev/tty", 5, 0));

    /** link path, link text */
    private static final List<String[]> LINKS = List.of(
            new String[] {"/dev/fd", "/proc/self/fd"},
            new String[] {"/dev/stdin", "/proc/self/fd/0"},
            new String[] {"/dev/stdout", "/proc/self/fd/1"},
            new String[] {"/dev/stderr", "/proc/self/fd/2"},
            new String[] {"/dev/ptmx", "pts/ptmx"});

    private DefaultDevices() {
    }

    public static List<InitPlan.DeviceNode> nodes() {
        return NODES;
    }

    /** The links as init-plan records of kind SYMLINK. */
    public static List<InitPlan.MountSpec> links() {
        return LINKS.stream()
                .map(l -> new InitPlan.MountSpec(l[1], l[0], "", 0, "", 0, InitPlan.MountSpec.SYMLINK))
                .toList();
    }

    /**
     * Device-cgroup rules in config.json form (type, major, minor with -1 for any, access): deny
     * everything, allow mknod of any node, and full use of the default nodes, the console, ptmx
     * and the pty slaves.
     */
    public static List<DeviceRule> cgroupRules() {
        return List.of(
                DeviceRule.denyAll(),
                new DeviceRule(true, "c", -1, -1, "m"),
                new DeviceRule(true, "b", -1, -1, "m"),
                new DeviceRule(true, "c", 1, 3, "rwm"),
                new DeviceRule(true, "c", 1, 5, "rwm"),
                new DeviceRule(true, "c", 1, 7, "rwm"),
                new DeviceRule(true, "c", 1, 8, "rwm"),
                new DeviceRule(true, "c", 1, 9, "rwm"),
                new DeviceRule(true, "c", 5, 0, "rwm"),
                new DeviceRule(true, "c", 5, 1, "rwm"),
                new DeviceRule(true, "c", 5, 2, "rwm"),
                new DeviceRule(true, "c", 136, -1, "rwm"));
    }

    private static InitPlan.DeviceNode chr(String path, int major, int minor) {
        return new InitPlan.DeviceNode(path, S_IFCHR, major, minor, RW_ALL, 0, 0);
    }
}
