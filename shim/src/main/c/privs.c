/* The identity and privilege drop shared by the container init and exec children. */
#include "child.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void drop_bounding(const struct child_ctx *ctx, uint64_t keep)
{
    for (int cap = 0; cap < 64; cap++) {
        if (keep & (1ull << cap))
            continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
            if (errno == EINVAL)
                return; /* past the kernel's last capability */
            child_fail(ctx, "drop bounding capabilities", NULL);
        }
    }
}

static void set_capabilities(const struct child_ctx *ctx)
{
    const struct plan *p = ctx->plan;
    struct __user_cap_header_struct head = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[2] = {
        { (uint32_t)p->cap_effective, (uint32_t)p->cap_permitted, (uint32_t)p->cap_inheritable },
        { (uint32_t)(p->cap_effective >> 32), (uint32_t)(p->cap_permitted >> 32),
          (uint32_t)(p->cap_inheritable >> 32) },
    };
    if (syscall(SYS_capset, &head, data) < 0)
        child_fail(ctx, "capset", NULL);
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
        child_fail(ctx, "clear ambient capabilities", NULL);
    for (int cap = 0; cap < 64; cap++) {
        if (!(p->cap_ambient & (1ull << cap)))
            continue;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) {
            char which[8];
            snprintf(which, sizeof which, "%d", cap);
            child_fail(ctx, "raise ambient capability", which);
        }
    }
}

/* Raw syscalls: glibc's set*id wrappers coordinate threads, which a raw clone does not set up. */
void drop_privileges(const struct child_ctx *ctx)
{
    const struct plan *p = ctx->plan;
    if (p->has_caps) {
        drop_bounding(ctx, p->cap_bounding);
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
            child_fail(ctx, "keep capabilities", NULL);
    }
    if (p->has_groups || p->has_user) {
        if (syscall(SYS_setgroups, p->has_groups ? p->ngroups : 0, p->groups) < 0)
            child_fail(ctx, "setgroups", NULL);
    }
    if (p->has_user) {
        if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0)
            child_fail(ctx, "setgid", NULL);
        if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0)
            child_fail(ctx, "setuid", NULL);
    }
    if (p->has_caps)
        set_capabilities(ctx);
}

void load_seccomp(const struct child_ctx *ctx)
{
    const struct plan *p = ctx->plan;
    if (!p->has_seccomp)
        return;
    struct sock_fprog prog = { (unsigned short)p->nseccomp, p->seccomp };
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->seccomp_flags, &prog) < 0)
        child_fail(ctx, "seccomp", NULL);
}
