package dev.cortado.runtime.oci;

/** The mount(2) flag bits this package writes into init plans (linux/mount.h). */
public final class MountFlag {
    public static final long RDONLY = 1;
    public static final long NOSUID = 2;
    public static final long NODEV = 4;
    public static final long NOEXEC = 8;
    public static final long SYNCHRONOUS = 16;
    public static final long REMOUNT = 32;
    public static final long MANDLOCK = 64;
    public static final long DIRSYNC = 128;
    public static final long NOATIME = 1024;
    public static final long NODIRATIME = 2048;
    public static final long BIND = 4096;
    public static final long REC = 16384;
    public static final long UNBINDABLE = 1L << 17;
    public static final long PRIVATE = 1L << 18;
    public static final long SLAVE = 1L << 19;
    public static final long SHARED = 1L << 20;
    public static final long RELATIME = 1L << 21;
    public static final long STRICTATIME = 1L << 24;
    /**
     * Not a mount(2) flag: the init plan's request that a read-only bind be read-only all the way
     * down (mount_setattr with AT_RECURSIVE); without it only the top mount is (shim/PROTOCOL.md).
     */
    public static final long RECURSIVE_READONLY = 1L << 40;

    private MountFlag() {
    }
}
