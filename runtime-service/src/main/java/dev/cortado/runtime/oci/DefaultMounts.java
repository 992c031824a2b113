package dev.cortado.runtime.oci;

import java.util.List;
import java.util.Set;

/**
 * The filesystems every container gets, as containerd's CRI plugin lays them out (its default
 * Unix spec without /run, plus the cgroup filesystem read-only). A CRI mount at the same
 * destination replaces one; a CRI mount at /dev replaces everything under /dev.
 */
public final class DefaultMounts {

    public static final String PROC = "/proc";
    public static final String DEV = "/dev";
    public static final String DEV_SHM = "/dev/shm";
    public static final String SYS_FS_CGROUP = "/sys/fs/cgroup";

    private static final List<OciMount> MOUNTS = List.of(
            new OciMount(PROC, "proc", "proc", List.of("nosuid", "noexec", "nodev")),
            new OciMount(DEV, "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
            new OciMount("/dev/pts", "devpts", "devpts",
                    List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
            new OciMount(DEV_SHM, "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
            new OciMount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
            new OciMount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")));

    /** How config.json describes the container's cgroups; runc builds the view itself. */
    public static final OciMount CGROUP = new OciMount(SYS_FS_CGROUP, "cgroup", "cgroup",
            List.of("nosuid", "noexec", "nodev", "relatime", "ro"));

    private DefaultMounts() {
    }

    /** proc, dev, dev/pts, dev/shm, dev/mqueue and sys, in mounting order. */
    public static List<OciMount> base() {
        return MOUNTS;
    }

    /** The same with /sys and the cgroup filesystem writable, as a privileged container has them. */
    public static List<OciMount> privilegedBase() {
        return MOUNTS.stream().map(m -> m.destination().equals("/sys") ? writable(m) : m).toList();
    }

    public static final OciMount CGROUP_WRITABLE = writable(CGROUP);

    private static OciMount writable(OciMount mount) {
        return new OciMount(mount.destination(), mount.type(), mount.source(),
                mount.options().stream().map(o -> o.equals("ro") ? "rw" : o).toList());
    }

    /** Whether a CRI mount at one of {@code destinations} takes this default's place. */
    public static boolean overridden(String destination, Set<String> destinations) {
        return destinations.contains(destination)
                || destinations.contains(DEV) && destination.startsWith(DEV + "/");
    }
}
