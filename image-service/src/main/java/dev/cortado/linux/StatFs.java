package dev.cortado.linux;

/**
 * What {@code statfs(2)} says about the file system holding a path. {@code type} is the
 * {@code f_type} magic; compare it with the constants here.
 */
public record StatFs(long type, long blockSize, long blocks, long blocksFree, long blocksAvailable,
                     long files, long filesFree, long flags) {

    public static final long TMPFS_MAGIC = 0x01021994L;
    public static final long OVERLAYFS_MAGIC = 0x794c7630L;
    public static final long PROC_SUPER_MAGIC = 0x9fa0L;
    public static final long SYSFS_MAGIC = 0x62656572L;
    public static final long EXT4_SUPER_MAGIC = 0xef53L;
    public static final long XFS_SUPER_MAGIC = 0x58465342L;
    public static final long BTRFS_SUPER_MAGIC = 0x9123683eL;
    public static final long CGROUP_SUPER_MAGIC = 0x27e0ebL;
    public static final long CGROUP2_SUPER_MAGIC = 0x63677270L;

    public boolean isType(long magic) {
        return type == magic;
    }
}
