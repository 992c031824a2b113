/* The init plan (plan-v1, see shim/PROTOCOL.md section 2): what the init or an exec child does. */
#ifndef CORTADO_PLAN_H
#define CORTADO_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>

enum plan_tag {
    TAG_ARG = 1, TAG_ENV, TAG_CWD, TAG_HOSTNAME, TAG_ROOTFS, TAG_ROOTFS_READONLY, TAG_NO_PIVOT,
    TAG_NEW_NAMESPACES, TAG_JOIN_NAMESPACE, TAG_MOUNT, TAG_MASK, TAG_READONLY, TAG_DEVICE,
    TAG_SYSCTL, TAG_RLIMIT, TAG_USER, TAG_GROUPS, TAG_CAPS, TAG_NO_NEW_PRIVS, TAG_SECCOMP,
    TAG_OOM_SCORE_ADJ, TAG_CGROUP_PROCS, TAG_TTY, TAG_STDIN, TAG_STDIN_ONCE, TAG_PAUSE,
    TAG_LOG_MAX_LINE, TAG_MAX = TAG_LOG_MAX_LINE
};

enum mount_kind { MOUNT_DIR = 0, MOUNT_FILE = 1, MOUNT_ROOT_PROPAGATION = 2, MOUNT_SYMLINK = 3 };

struct ns_join { uint32_t type; char *path; };

struct mount_spec {
    char *source, *target, *fstype, *data;
    uint64_t flags, propagation;
    uint32_t kind;
};

struct device_spec { char *path; uint32_t type, major, minor, mode, uid, gid; };
struct sysctl_spec { char *key, *value; };
struct rlimit_spec { uint32_t resource; uint64_t soft, hard; };

struct plan {
    char **args;  /* NULL-terminated */
    size_t nargs;
    char **env;   /* NULL-terminated */
    size_t nenv;
    char *cwd, *hostname, *rootfs;
    bool rootfs_readonly, no_pivot, no_new_privs, tty, stdin_pipe, stdin_once, pause;
    uint32_t new_namespaces;
    struct ns_join *joins;
    size_t njoins;
    struct mount_spec *mounts;
    size_t nmounts;
    char **masks;
    size_t nmasks;
    char **readonly;
    size_t nreadonly;
    struct device_spec *devices;
    size_t ndevices;
    struct sysctl_spec *sysctls;
    size_t nsysctls;
    struct rlimit_spec *rlimits;
    size_t nrlimits;
    bool has_user;
    uint32_t uid, gid;
    bool has_groups;
    uint32_t *groups;
    size_t ngroups;
    bool has_caps;
    uint64_t cap_bounding, cap_effective, cap_inheritable, cap_permitted, cap_ambient;
    bool has_seccomp;
    uint32_t seccomp_flags;
    struct sock_filter *seccomp;
    size_t nseccomp;
    bool has_oom_score_adj;
    int32_t oom_score_adj;
    char **cgroup_procs;
    size_t ncgroup_procs;
    uint32_t log_max_line;
};

/* Decodes a plan from memory; on failure returns -1 and a message (without the "plan: " step). */
int plan_parse(const uint8_t *buf, size_t len, struct plan *out, char *err, size_t errlen);

/* Reads and decodes a plan file. */
int plan_load(const char *path, struct plan *out, char *err, size_t errlen);

void plan_free(struct plan *plan);

#endif
