#include "plan.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLAN_MAGIC "CRTDPLAN"
#define PLAN_VERSION 1
#define PLAN_MAX_FILE (64u << 20)
#define DEFAULT_LOG_MAX_LINE 16384

/* A bounded reader over one record's value; any overrun marks it bad instead of reading on. */
struct cursor {
    const uint8_t *p;
    size_t left;
    bool bad;
};

static bool take(struct cursor *c, void *dst, size_t n)
{
    if (c->bad || c->left < n) {
        c->bad = true;
        return false;
    }
    memcpy(dst, c->p, n);
    c->p += n;
    c->left -= n;
    return true;
}

static uint32_t get_u32(struct cursor *c)
{
    uint8_t b[4] = {0};
    take(c, b, 4);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t get_u64(struct cursor *c)
{
    uint64_t lo = get_u32(c);
    return lo | (uint64_t)get_u32(c) << 32;
}

static bool get_bool(struct cursor *c)
{
    uint8_t b = 0;
    take(c, &b, 1);
    if (b > 1)
        c->bad = true;
    return b == 1;
}

/* Copies n bytes as a C string; NUL bytes inside are invalid. */
static char *copy_str(struct cursor *c, size_t n)
{
    if (c->bad || c->left < n || memchr(c->p, '\0', n) != NULL) {
        c->bad = true;
        return NULL;
    }
    char *s = malloc(n + 1);
    if (s == NULL) {
        c->bad = true;
        return NULL;
    }
    memcpy(s, c->p, n);
    s[n] = '\0';
    c->p += n;
    c->left -= n;
    return s;
}

/* A str that is the whole value of its record. */
static char *get_whole_str(struct cursor *c)
{
    return copy_str(c, c->left);
}

/* A str inside a composite value: u32 length, then bytes. */
static char *get_str(struct cursor *c)
{
    uint32_t n = get_u32(c);
    return copy_str(c, n);
}

/* Capacities grow in powers of two, so the capacity follows from the element count. */
static size_t capacity_for(size_t k)
{
    size_t cap = 4;
    while (cap < k)
        cap *= 2;
    return cap;
}

/* Appends one zeroed element to a growable array, keeping one spare zeroed slot at the end so
 * string arrays stay NULL-terminated. */
static void *push(void *arrp, size_t *n, size_t elem)
{
    void **arr = arrp;
    size_t have = *arr == NULL ? 0 : capacity_for(*n + 1);
    size_t want = capacity_for(*n + 2);
    if (want > have) {
        char *bigger = realloc(*arr, want * elem);
        if (bigger == NULL)
            return NULL;
        memset(bigger + *n * elem, 0, (want - *n) * elem);
        *arr = bigger;
    }
    return (char *)*arr + (*n)++ * elem;
}

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static bool repeatable(uint16_t tag)
{
    switch (tag) {
    case TAG_ARG: case TAG_ENV: case TAG_JOIN_NAMESPACE: case TAG_MOUNT: case TAG_MASK:
    case TAG_READONLY: case TAG_DEVICE: case TAG_SYSCTL: case TAG_RLIMIT: case TAG_CGROUP_PROCS:
        return true;
    default:
        return false;
    }
}

static bool push_str(char ***arr, size_t *n, struct cursor *c)
{
    char **slot = push(arr, n, sizeof **arr);
    if (slot == NULL)
        return false;
    *slot = get_whole_str(c);
    return *slot != NULL;
}

static bool decode_record(struct plan *p, uint16_t tag, struct cursor *c)
{
    switch (tag) {
    case TAG_ARG: return push_str(&p->args, &p->nargs, c);
    case TAG_ENV: return push_str(&p->env, &p->nenv, c);
    case TAG_CWD: return (p->cwd = get_whole_str(c)) != NULL;
    case TAG_HOSTNAME: return (p->hostname = get_whole_str(c)) != NULL;
    case TAG_ROOTFS: return (p->rootfs = get_whole_str(c)) != NULL;
    case TAG_ROOTFS_READONLY: p->rootfs_readonly = get_bool(c); break;
    case TAG_NO_PIVOT: p->no_pivot = get_bool(c); break;
    case TAG_NEW_NAMESPACES: p->new_namespaces = get_u32(c); break;
    case TAG_JOIN_NAMESPACE: {
        struct ns_join *j = push(&p->joins, &p->njoins, sizeof *j);
        if (j == NULL)
            return false;
        j->type = get_u32(c);
        j->path = get_str(c);
        break;
    }
    case TAG_MOUNT: {
        struct mount_spec *m = push(&p->mounts, &p->nmounts, sizeof *m);
        if (m == NULL)
            return false;
        m->source = get_str(c);
        m->target = get_str(c);
        m->fstype = get_str(c);
        m->flags = get_u64(c);
        m->data = get_str(c);
        m->propagation = get_u64(c);
        m->kind = get_u32(c);
        if (m->kind > MOUNT_SYMLINK)
            c->bad = true;
        break;
    }
    case TAG_MASK: return push_str(&p->masks, &p->nmasks, c);
    case TAG_READONLY: return push_str(&p->readonly, &p->nreadonly, c);
    case TAG_DEVICE: {
        struct device_spec *d = push(&p->devices, &p->ndevices, sizeof *d);
        if (d == NULL)
            return false;
        d->path = get_str(c);
        d->type = get_u32(c);
        d->major = get_u32(c);
        d->minor = get_u32(c);
        d->mode = get_u32(c);
        d->uid = get_u32(c);
        d->gid = get_u32(c);
        break;
    }
    case TAG_SYSCTL: {
        struct sysctl_spec *s = push(&p->sysctls, &p->nsysctls, sizeof *s);
        if (s == NULL)
            return false;
        s->key = get_str(c);
        s->value = get_str(c);
        break;
    }
    case TAG_RLIMIT: {
        struct rlimit_spec *r = push(&p->rlimits, &p->nrlimits, sizeof *r);
        if (r == NULL)
            return false;
        r->resource = get_u32(c);
        r->soft = get_u64(c);
        r->hard = get_u64(c);
        break;
    }
    case TAG_USER:
        p->has_user = true;
        p->uid = get_u32(c);
        p->gid = get_u32(c);
        break;
    case TAG_GROUPS:
        p->has_groups = true;
        if (c->left % 4 != 0)
            return false;
        p->ngroups = c->left / 4;
        p->groups = calloc(p->ngroups + 1, sizeof *p->groups);
        if (p->groups == NULL)
            return false;
        for (size_t i = 0; i < p->ngroups; i++)
            p->groups[i] = get_u32(c);
        break;
    case TAG_CAPS:
        p->has_caps = true;
        p->cap_bounding = get_u64(c);
        p->cap_effective = get_u64(c);
        p->cap_inheritable = get_u64(c);
        p->cap_permitted = get_u64(c);
        p->cap_ambient = get_u64(c);
        break;
    case TAG_NO_NEW_PRIVS: p->no_new_privs = get_bool(c); break;
    case TAG_SECCOMP:
        p->has_seccomp = true;
        p->seccomp_flags = get_u32(c);
        if (c->left % sizeof(struct sock_filter) != 0 || c->left == 0
                || c->left / sizeof(struct sock_filter) > 0xffff)
            return false;
        p->nseccomp = c->left / sizeof(struct sock_filter);
        p->seccomp = malloc(c->left);
        if (p->seccomp == NULL)
            return false;
        for (size_t i = 0; i < p->nseccomp; i++) {
            uint8_t b[4];
            take(c, b, 4);
            p->seccomp[i].code = (uint16_t)(b[0] | b[1] << 8);
            p->seccomp[i].jt = b[2];
            p->seccomp[i].jf = b[3];
            p->seccomp[i].k = get_u32(c);
        }
        break;
    case TAG_OOM_SCORE_ADJ:
        p->has_oom_score_adj = true;
        p->oom_score_adj = (int32_t)get_u32(c);
        break;
    case TAG_CGROUP_PROCS: return push_str(&p->cgroup_procs, &p->ncgroup_procs, c);
    case TAG_TTY: p->tty = get_bool(c); break;
    case TAG_STDIN: p->stdin_pipe = get_bool(c); break;
    case TAG_STDIN_ONCE: p->stdin_once = get_bool(c); break;
    case TAG_PAUSE: p->pause = get_bool(c); break;
    case TAG_LOG_MAX_LINE: p->log_max_line = get_u32(c); break;
    default: return false;
    }
    return !c->bad;
}

int plan_parse(const uint8_t *buf, size_t len, struct plan *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    struct cursor file = { buf, len, false };
    char magic[8];
    if (!take(&file, magic, 8) || memcmp(magic, PLAN_MAGIC, 8) != 0) {
        fail(err, errlen, "not an init plan (bad magic)");
        goto bad;
    }
    uint32_t version = get_u32(&file);
    uint32_t count = get_u32(&file);
    if (file.bad) {
        fail(err, errlen, "truncated header");
        goto bad;
    }
    if (version != PLAN_VERSION) {
        fail(err, errlen, "unsupported plan version %u (this shim reads plan-v1)", version);
        goto bad;
    }
    uint32_t seen = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint8_t tb[2] = {0};
        take(&file, tb, 2);
        uint16_t tag = (uint16_t)(tb[0] | tb[1] << 8);
        uint32_t vlen = get_u32(&file);
        if (file.bad || vlen > file.left) {
            fail(err, errlen, "record %u of %u is truncated", i + 1, count);
            goto bad;
        }
        if (tag == 0 || tag > TAG_MAX) {
            fail(err, errlen, "unknown record tag %u", tag);
            goto bad;
        }
        if (!repeatable(tag) && (seen & (1u << tag))) {
            fail(err, errlen, "record tag %u appears more than once", tag);
            goto bad;
        }
        seen |= 1u << tag;
        struct cursor value = { file.p, vlen, false };
        if (!decode_record(p, tag, &value) || value.left != 0) {
            fail(err, errlen, "record %u (tag %u) has a malformed value of %u bytes", i + 1, tag, vlen);
            goto bad;
        }
        file.p += vlen;
        file.left -= vlen;
    }
    if (file.left != 0) {
        fail(err, errlen, "%zu bytes after the last of %u records", file.left, count);
        goto bad;
    }
    if (p->nargs == 0 && !p->pause) {
        fail(err, errlen, "no ARG record (a command is needed unless PAUSE)");
        goto bad;
    }
    if (p->log_max_line == 0)
        p->log_max_line = DEFAULT_LOG_MAX_LINE;
    if (p->args == NULL)
        p->args = calloc(1, sizeof *p->args);
    if (p->env == NULL)
        p->env = calloc(1, sizeof *p->env);
    if (p->args == NULL || p->env == NULL) {
        fail(err, errlen, "out of memory");
        goto bad;
    }
    return 0;
bad:
    plan_free(p);
    return -1;
}

int plan_load(const char *path, struct plan *out, char *err, size_t errlen)
{
    size_t len;
    char *buf = read_file(path, PLAN_MAX_FILE, &len);
    if (buf == NULL) {
        memset(out, 0, sizeof *out);
        fail(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    int rc = plan_parse((const uint8_t *)buf, len, out, err, errlen);
    free(buf);
    return rc;
}

static void free_strs(char **arr, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(arr[i]);
    free(arr);
}

void plan_free(struct plan *p)
{
    free_strs(p->args, p->nargs);
    free_strs(p->env, p->nenv);
    free(p->cwd);
    free(p->hostname);
    free(p->rootfs);
    for (size_t i = 0; i < p->njoins; i++)
        free(p->joins[i].path);
    free(p->joins);
    for (size_t i = 0; i < p->nmounts; i++) {
        free(p->mounts[i].source);
        free(p->mounts[i].target);
        free(p->mounts[i].fstype);
        free(p->mounts[i].data);
    }
    free(p->mounts);
    free_strs(p->masks, p->nmasks);
    free_strs(p->readonly, p->nreadonly);
    for (size_t i = 0; i < p->ndevices; i++)
        free(p->devices[i].path);
    free(p->devices);
    for (size_t i = 0; i < p->nsysctls; i++) {
        free(p->sysctls[i].key);
        free(p->sysctls[i].value);
    }
    free(p->sysctls);
    free(p->rlimits);
    free(p->groups);
    free(p->seccomp);
    free_strs(p->cgroup_procs, p->ncgroup_procs);
    memset(p, 0, sizeof *p);
}
