package dev.cortado.runtime.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The OCI mount options of config.json ("nosuid", "rbind", "rslave", "mode=755") split the way
 * runc splits them for mount(2): flag bits, a propagation change made after the mount, and the
 * remaining filesystem data string. Keeping one table for both keeps config.json and the init
 * plan describing the same mount.
 *
 * @param flags       MS_* bits for the mount call
 * @param propagation MS_PRIVATE/MS_SLAVE/MS_SHARED/MS_UNBINDABLE, with MS_REC for the r-forms; 0 for none
 * @param data        the filesystem-specific options, comma-joined
 */
public record MountOptions(long flags, long propagation, String data) {

    /** Options that set (true) or clear (false) a flag. */
    private record Flag(long bit, boolean set) {
    }

    private static final Map<String, Flag> FLAGS = Map.ofEntries(
            Map.entry("ro", new Flag(MountFlag.RDONLY, true)),
            Map.entry("rw", new Flag(MountFlag.RDONLY, false)),
            // OCI 1.1's recursive read-only: the init makes the whole bound tree read-only (mount_setattr)
            Map.entry("rro", new Flag(MountFlag.RDONLY | MountFlag.REC | MountFlag.RECURSIVE_READONLY, true)),
            Map.entry("nosuid", new Flag(MountFlag.NOSUID, true)),
            Map.entry("suid", new Flag(MountFlag.NOSUID, false)),
            Map.entry("nodev", new Flag(MountFlag.NODEV, true)),
            Map.entry("dev", new Flag(MountFlag.NODEV, false)),
            Map.entry("noexec", new Flag(MountFlag.NOEXEC, true)),
            Map.entry("exec", new Flag(MountFlag.NOEXEC, false)),
            Map.entry("sync", new Flag(MountFlag.SYNCHRONOUS, true)),
            Map.entry("async", new Flag(MountFlag.SYNCHRONOUS, false)),
            Map.entry("dirsync", new Flag(MountFlag.DIRSYNC, true)),
            Map.entry("mand", new Flag(MountFlag.MANDLOCK, true)),
            Map.entry("nomand", new Flag(MountFlag.MANDLOCK, false)),
            Map.entry("noatime", new Flag(MountFlag.NOATIME, true)),
            Map.entry("atime", new Flag(MountFlag.NOATIME, false)),
            Map.entry("nodiratime", new Flag(MountFlag.NODIRATIME, true)),
            Map.entry("diratime", new Flag(MountFlag.NODIRATIME, false)),
            Map.entry("relatime", new Flag(MountFlag.RELATIME, true)),
            Map.entry("norelatime", new Flag(MountFlag.RELATIME, false)),
            Map.entry("strictatime", new Flag(MountFlag.STRICTATIME, true)),
            Map.entry("nostrictatime", new Flag(MountFlag.STRICTATIME, false)),
            Map.entry("remount", new Flag(MountFlag.REMOUNT, true)),
            Map.entry("bind", new Flag(MountFlag.BIND, true)),
            Map.entry("rbind", new Flag(MountFlag.BIND | MountFlag.REC, true)));

    private static final Map<String, Long> PROPAGATION = Map.of(
            "private", MountFlag.PRIVATE,
            "rprivate", MountFlag.PRIVATE | MountFlag.REC,
            "slave", MountFlag.SLAVE,
            "rslave", MountFlag.SLAVE | MountFlag.REC,
            "shared", MountFlag.SHARED,
            "rshared", MountFlag.SHARED | MountFlag.REC,
            "unbindable", MountFlag.UNBINDABLE,
            "runbindable", MountFlag.UNBINDABLE | MountFlag.REC);

    public static MountOptions parse(List<String> options) {
        long flags = 0;
        long propagation = 0;
        List<String> data = new ArrayList<>();
        for (String option : options) {
            Flag flag = FLAGS.get(option);
            Long change = PROPAGATION.get(option);
            if (flag != null) {
                flags = flag.set() ? flags | flag.bit() : flags & ~flag.bit();
            } else if (change != null) {
                propagation = change;
            } else {
                data.add(option);
            }
        }
        return new MountOptions(flags, propagation, String.join(",", data));
    }

    /** The config.json name of a propagation value: "rslave", "rshared", "rprivate", ... */
    public static String propagationName(long propagation) {
        return PROPAGATION.entrySet().stream()
                .filter(e -> e.getValue() == propagation)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a propagation: " + propagation));
    }
}
