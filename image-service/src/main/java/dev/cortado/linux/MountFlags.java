package dev.cortado.linux;

/** Flags for {@link Syscalls#mount} ({@code MS_*}) and {@link Syscalls#umount2} ({@code MNT_*}). */
public final class MountFlags {
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_REMOUNT = 32;
    public static final long MS_BIND = 4096;
    public static final long MS_MOVE = 8192;
    public static final long MS_REC = 16384;
    public static final long MS_PRIVATE = 1L << 18;
    public static final long MS_SLAVE = 1L << 19;
    public static final long MS_SHARED = 1L << 20;

    public static final int MNT_FORCE = 1;
    public static final int MNT_DETACH = 2;

    private MountFlags() {
    }
}
