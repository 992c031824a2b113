package dev.cortado.shim.plan;

/** Sizes beyond which the kernel (or the shim) would refuse what a plan asks for. */
final class PlanLimits {
    /** PATH_MAX counts the terminating NUL. */
    static final int PATH_BYTES = 4095;
    /** MAX_ARG_STRLEN (32 pages) counts the terminating NUL. */
    static final int ARG_BYTES = 32 * 4096 - 1;
    /** The kernel copies at most one page of mount data. */
    static final int MOUNT_DATA_BYTES = 4095;
    static final int FSTYPE_BYTES = 255;
    /** HOST_NAME_MAX. */
    static final int HOSTNAME_BYTES = 64;
    /** NGROUPS_MAX. */
    static final int GROUPS = 65536;
    /** BPF_MAXINSNS; one struct sock_filter is 8 bytes. */
    static final int SECCOMP_INSTRUCTIONS = 4096;
    static final int SOCK_FILTER_BYTES = 8;
    /** RLIM_NLIMITS: resources are numbered 0..15. */
    static final int RLIMIT_RESOURCES = 16;
    static final int LOG_MAX_LINE = 16 << 20;
    /** What the shim is promised to read at most; a real plan is a few kilobytes. */
    static final int PLAN_BYTES = 16 << 20;

    private PlanLimits() {
    }
}
