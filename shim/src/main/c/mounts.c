/* The init's filesystem: mounts inside the rootfs, devices, sysctls, masks, pivot_root. */
#include "child.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Not an MS_* flag: the plan's way to ask for a read-only bind whose submounts are read-only too
 * (CRI recursive_read_only); a plain read-only bind makes only its top mount read-only. */
#define PLAN_MOUNT_RECURSIVE_READONLY (1ull << 40)
#define REMOUNT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME)

/* Resolves a path as if rootfd were "/": symlinks and ".." cannot leave the rootfs. */
static int open_in_root(int rootfd, const char *path, int flags)
{
    while (*path == '/')
        path++;
    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    return (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof how);
}

/* mkdir -p inside the root, one component at a time, each resolved inside the root. */
static int mkdirs_in_root(int rootfd, const char *path)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int dirfd = open_in_root(rootfd, "", O_PATH | O_DIRECTORY);
    char *s = buf;
    while (dirfd >= 0) {
        while (*s == '/')
            s++;
        if (*s == '\0')
            break;
        char *end = strchrnul(s, '/');
        char saved = *end;
        *end = '\0';
        int next = open_in_root(rootfd, buf, O_PATH | O_DIRECTORY);
        if (next < 0 && errno == ENOENT) {
            if (mkdirat(dirfd, s, 0755) < 0 && errno != EEXIST) {
                close(dirfd);
                return -1;
            }
            next = open_in_root(rootfd, buf, O_PATH | O_DIRECTORY);
        }
        close(dirfd);
        dirfd = next;
        *end = saved;
        s = end;
    }
    return dirfd;
}

/* Splits "a/b/c" into its parent (created) and base name; returns the parent's fd. */
static int open_parent(int rootfd, const char *path, char *base, size_t baselen)
{
    char parent[PATH_MAX];
    if (snprintf(parent, sizeof parent, "%s", path) >= (int)sizeof parent) {
        errno = ENAMETOOLONG;
        return -1;
    }
    size_t n = strlen(parent);
    while (n > 1 && parent[n - 1] == '/')
        parent[--n] = '\0';
    char *slash = strrchr(parent, '/');
    const char *name = slash ? slash + 1 : parent;
    if (*name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0
            || snprintf(base, baselen, "%s", name) >= (int)baselen) {
        errno = EINVAL;
        return -1;
    }
    if (slash != NULL)
        *slash = '\0';
    else
        parent[0] = '\0';
    return mkdirs_in_root(rootfd, parent);
}

/* The target of a mount, created as a directory or an empty file when missing. */
static int open_target(int rootfd, const char *target, uint32_t kind)
{
    if (kind == MOUNT_DIR)
        return mkdirs_in_root(rootfd, target);
    int fd = open_in_root(rootfd, target, O_PATH);
    if (fd >= 0 || errno != ENOENT)
        return fd;
    char base[NAME_MAX + 1];
    int parent = open_parent(rootfd, target, base, sizeof base);
    if (parent < 0)
        return -1;
    int created = openat(parent, base, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
    int saved = errno;
    close(parent);
    if (created < 0 && saved != EEXIST) {
        errno = saved;
        return -1;
    }
    if (created >= 0)
        close(created);
    return open_in_root(rootfd, target, O_PATH);
}

static void fd_path(int fd, char out[32])
{
    snprintf(out, 32, "/proc/self/fd/%d", fd);
}

/* Changes flags of the mount at path, keeping the per-mount flags it already has. */
static int remount_bind(const char *path, unsigned long flags)
{
    struct statvfs st;
    if (statvfs(path, &st) < 0)
        return -1;
    unsigned long keep = 0;
    if (st.f_flag & ST_NOSUID) keep |= MS_NOSUID;
    if (st.f_flag & ST_NODEV) keep |= MS_NODEV;
    if (st.f_flag & ST_NOEXEC) keep |= MS_NOEXEC;
    if (st.f_flag & ST_NOATIME) keep |= MS_NOATIME;
    if (st.f_flag & ST_NODIRATIME) keep |= MS_NODIRATIME;
    if (st.f_flag & ST_RELATIME) keep |= MS_RELATIME;
    if (st.f_flag & ST_RDONLY) keep |= MS_RDONLY;
    return mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | keep | flags, NULL);
}

/* Reopens a target after a mount so the path names the new mount, not the directory under it. */
static int reopened(const struct child_ctx *ctx, int rootfd, const char *target, char path[32])
{
    int fd = open_in_root(rootfd, target, O_PATH);
    if (fd < 0)
        child_fail(ctx, "mount", target);
    fd_path(fd, path);
    return fd;
}

/* A recursive bind keeps its submounts writable after the remount; mount_setattr reaches them. */
static void make_tree_readonly(const struct child_ctx *ctx, int fd, const char *target)
{
    struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
        child_fail(ctx, "remount read-only recursively", target);
}

static void do_mount(const struct child_ctx *ctx, int rootfd, const struct mount_spec *m)
{
    if (m->kind == MOUNT_SYMLINK) {
        char base[NAME_MAX + 1];
        int parent = open_parent(rootfd, m->target, base, sizeof base);
        if (parent < 0 || (symlinkat(m->source, parent, base) < 0 && errno != EEXIST))
            child_fail(ctx, "symlink", m->target);
        close(parent);
        return;
    }
    int fd = open_target(rootfd, m->target, m->kind);
    if (fd < 0)
        child_fail(ctx, "mount", m->target);
    char path[32];
    fd_path(fd, path);
    unsigned long flags = (unsigned long)(m->flags & ~PLAN_MOUNT_RECURSIVE_READONLY);
    int recursive_readonly = (m->flags & PLAN_MOUNT_RECURSIVE_READONLY) != 0;
    const char *data = *m->data ? m->data : NULL;
    if (flags & MS_BIND) {
        if (mount(m->source, path, NULL, MS_BIND | (flags & MS_REC), NULL) < 0)
            child_fail(ctx, "mount", m->target);
        if (flags & REMOUNT_FLAGS & ~MS_RELATIME) {
            close(fd);
            fd = reopened(ctx, rootfd, m->target, path);
            if (remount_bind(path, flags & REMOUNT_FLAGS) < 0)
                child_fail(ctx, "remount", m->target);
            if (recursive_readonly && (flags & MS_RDONLY))
                make_tree_readonly(ctx, fd, m->target);
        }
    } else if (mount(m->source, path, m->fstype, flags, data) < 0) {
        child_fail(ctx, "mount", m->target);
    }
    if (m->propagation != 0) {
        close(fd);
        fd = reopened(ctx, rootfd, m->target, path);
        if (mount(NULL, path, NULL, (unsigned long)m->propagation, NULL) < 0)
            child_fail(ctx, "mount propagation", m->target);
    }
    close(fd);
}

static void make_devices(const struct child_ctx *ctx, int rootfd)
{
    const struct plan *p = ctx->plan;
    for (size_t i = 0; i < p->ndevices; i++) {
        const struct device_spec *d = &p->devices[i];
        char base[NAME_MAX + 1];
        int parent = open_parent(rootfd, d->path, base, sizeof base);
        if (parent < 0)
            child_fail(ctx, "mknod", d->path);
        mode_t mode = (d->type & S_IFMT) | (d->mode & 07777);
        if (mknodat(parent, base, mode, makedev(d->major, d->minor)) < 0 && errno != EEXIST)
            child_fail(ctx, "mknod", d->path);
        if (fchownat(parent, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
            child_fail(ctx, "chown", d->path);
        if (fchmodat(parent, base, d->mode & 07777, 0) < 0)
            child_fail(ctx, "chmod", d->path);
        close(parent);
    }
}

/* Written through /proc/sys of the current root: the kernel resolves namespaced sysctls (net,
 * ipc, uts) by the writer's namespaces, so the container's own /proc is not needed. */
void apply_sysctls(const struct child_ctx *ctx)
{
    const struct plan *p = ctx->plan;
    for (size_t i = 0; i < p->nsysctls; i++) {
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "/proc/sys/%s", p->sysctls[i].key) >= (int)sizeof path) {
            errno = ENAMETOOLONG;
            child_fail(ctx, "sysctl", p->sysctls[i].key);
        }
        for (char *c = path + 10; *c; c++)
            if (*c == '.')
                *c = '/';
        if (write_to_file(path, p->sysctls[i].value) < 0)
            child_fail(ctx, "sysctl", p->sysctls[i].key);
    }
}

static void mask_paths(const struct child_ctx *ctx, int rootfd)
{
    const struct plan *p = ctx->plan;
    for (size_t i = 0; i < p->nmasks; i++) {
        int fd = open_in_root(rootfd, p->masks[i], O_PATH);
        if (fd < 0 && errno == ENOENT)
            continue;
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0)
            child_fail(ctx, "mask", p->masks[i]);
        char path[32];
        fd_path(fd, path);
        int rc = S_ISDIR(st.st_mode)
            ? mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)
            : mount("/dev/null", path, NULL, MS_BIND, NULL);
        if (rc < 0)
            child_fail(ctx, "mask", p->masks[i]);
        close(fd);
    }
    for (size_t i = 0; i < p->nreadonly; i++) {
        const char *target = p->readonly[i];
        int fd = open_in_root(rootfd, target, O_PATH);
        if (fd < 0 && errno == ENOENT)
            continue;
        char path[32];
        if (fd < 0)
            child_fail(ctx, "readonly", target);
        fd_path(fd, path);
        if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
            child_fail(ctx, "readonly", target);
        close(fd);
        fd = reopened(ctx, rootfd, target, path);
        if (remount_bind(path, MS_RDONLY) < 0)
            child_fail(ctx, "readonly", target);
        close(fd);
    }
}

static void move_root(const struct child_ctx *ctx)
{
    if (mount(ctx->plan->rootfs, "/", NULL, MS_MOVE, NULL) < 0)
        child_fail(ctx, "move root", ctx->plan->rootfs);
    if (chroot(".") < 0)
        child_fail(ctx, "chroot", ctx->plan->rootfs);
}

static void enter_root(const struct child_ctx *ctx, int rootfd)
{
    int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (oldroot < 0)
        child_fail(ctx, "open", "/");
    if (fchdir(rootfd) < 0)
        child_fail(ctx, "chdir", ctx->plan->rootfs);
    if (ctx->plan->no_pivot) {
        move_root(ctx);
    } else if (syscall(SYS_pivot_root, ".", ".") < 0) {
        if (errno != EINVAL)
            child_fail(ctx, "pivot_root", ctx->plan->rootfs);
        move_root(ctx);
    } else {
        /*
         * The old root now sits on top of the new one: detach it without telling the host. The
         * cwd is still the new root, so "." must be made the old root first (through its fd);
         * otherwise the rslave change lands on the new root's tree and turns every rshared
         * bind of the container into a slave.
         */
        if (fchdir(oldroot) < 0)
            child_fail(ctx, "chdir", "old root");
        if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
            child_fail(ctx, "mount propagation", "old root");
        if (umount2(".", MNT_DETACH) < 0)
            child_fail(ctx, "umount", "old root");
    }
    close(oldroot);
    if (chdir("/") < 0)
        child_fail(ctx, "chdir", "/");
}

/*
 * pivot_root (and MS_MOVE) refuse a new root whose parent mount is shared, which it is once "/"
 * was made rshared for a bidirectional mount; and a shared parent would also carry the rootfs
 * bind below back to the host. So the mount holding the rootfs (the rootfs itself when it is a
 * mount point, else the nearest mount above it) is made private first, in this namespace only.
 */
static void make_rootfs_mount_private(const struct child_ctx *ctx, const char *rootfs)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", rootfs) >= (int)sizeof path)
        child_fail(ctx, "mount propagation", rootfs);
    for (;;) {
        if (mount(NULL, path, NULL, MS_PRIVATE, NULL) == 0)
            return;
        char *slash = strrchr(path, '/');
        if (errno != EINVAL || slash == NULL || strcmp(path, "/") == 0)
            child_fail(ctx, "mount propagation", rootfs);
        /* EINVAL: not a mount point; try the directory above */
        if (slash == path)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
}

void setup_filesystem(const struct child_ctx *ctx)
{
    const struct plan *p = ctx->plan;
    bool propagated = false;
    for (size_t i = 0; i < p->nmounts; i++) {
        if (p->mounts[i].kind != MOUNT_ROOT_PROPAGATION)
            continue;
        if (mount(NULL, "/", NULL, (unsigned long)p->mounts[i].propagation, NULL) < 0)
            child_fail(ctx, "mount propagation", "/");
        propagated = true;
    }
    if (!propagated && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        child_fail(ctx, "mount propagation", "/");
    make_rootfs_mount_private(ctx, p->rootfs);
    /* pivot_root needs the new root to be a mount point; a bind of itself makes sure it is. */
    if (mount(p->rootfs, p->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        child_fail(ctx, "mount rootfs", p->rootfs);
    int rootfd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        child_fail(ctx, "open rootfs", p->rootfs);
    for (size_t i = 0; i < p->nmounts; i++)
        if (p->mounts[i].kind != MOUNT_ROOT_PROPAGATION)
            do_mount(ctx, rootfd, &p->mounts[i]);
    make_devices(ctx, rootfd);
    apply_sysctls(ctx);
    mask_paths(ctx, rootfd);
    enter_root(ctx, rootfd);
    close(rootfd);
    if (p->rootfs_readonly && remount_bind("/", MS_RDONLY) < 0)
        child_fail(ctx, "remount / read-only", NULL);
}
