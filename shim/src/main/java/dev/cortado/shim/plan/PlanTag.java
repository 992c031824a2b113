package dev.cortado.shim.plan;

/** The record tags of plan-v1 (shim/PROTOCOL.md section 2), with the numbers written on disk. */
public enum PlanTag {
    ARG(1),
    ENV(2),
    CWD(3),
    HOSTNAME(4),
    ROOTFS(5),
    ROOTFS_READONLY(6),
    NO_PIVOT(7),
    NEW_NAMESPACES(8),
    JOIN_NAMESPACE(9),
    MOUNT(10),
    MASK(11),
    READONLY(12),
    DEVICE(13),
    SYSCTL(14),
    RLIMIT(15),
    USER(16),
    GROUPS(17),
    CAPS(18),
    NO_NEW_PRIVS(19),
    SECCOMP(20),
    OOM_SCORE_ADJ(21),
    CGROUP_PROCS(22),
    TTY(23),
    STDIN(24),
    STDIN_ONCE(25),
    PAUSE(26),
    LOG_MAX_LINE(27);

    private final int code;

    PlanTag(int code) {
        this.code = code;
    }

    /** The u16 written before the record's length. */
    public int code() {
        return code;
    }

    /** The tag with this number, or null when plan-v1 has none. */
    public static PlanTag of(int code) {
        for (PlanTag tag : values()) {
            if (tag.code == code) {
                return tag;
            }
        }
        return null;
    }
}
