package dev.cortado.shim.plan;

/**
 * Linux {@code MS_*} mount flags as {@code mount(2)} numbers them, the values a plan's MOUNT flags
 * and propagation fields carry.
 */
public final class MountFlags {
    public static final long MS_RDONLY = 1L;
    public static final long MS_NOSUID = 1L << 1;
    public static final long MS_NODEV = 1L << 2;
    public static final long MS_NOEXEC = 1L << 3;
    public static final long MS_SYNCHRONOUS = 1L << 4;
    public static final long MS_REMOUNT = 1L << 5;
    public static final long MS_MANDLOCK = 1L << 6;
    public static final long MS_DIRSYNC = 1L << 7;
    public static final long MS_NOSYMFOLLOW = 1L << 8;
    public static final long MS_NOATIME = 1L << 10;
    public static final long MS_NODIRATIME = 1L << 11;
    public static final long MS_BIND = 1L << 12;
    public static final long MS_MOVE = 1L << 13;
    public static final long MS_REC = 1L << 14;
    public static final long MS_SILENT = 1L << 15;
    public static final long MS_UNBINDABLE = 1L << 17;
    public static final long MS_PRIVATE = 1L << 18;
    public static final long MS_SLAVE = 1L << 19;
    public static final long MS_SHARED = 1L << 20;
    public static final long MS_RELATIME = 1L << 21;
    public static final long MS_STRICTATIME = 1L << 24;
    public static final long MS_LAZYTIME = 1L << 25;

    /** The bits that change propagation; only these (plus MS_REC) belong in a propagation field. */
    public static final long PROPAGATION_TYPES = MS_UNBINDABLE | MS_PRIVATE | MS_SLAVE | MS_SHARED;

    private MountFlags() {
    }
}
