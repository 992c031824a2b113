/* plan-v1 decoding: valid plans, and every malformed input rejected without touching memory it
 * does not own (built with AddressSanitizer). */
#include "check.h"
#include "plan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A small plan encoder for the tests. */
struct enc {
    uint8_t buf[8192];
    size_t len;
    uint32_t count;
    size_t rec_start;
};

static void put(struct enc *e, const void *p, size_t n)
{
    memcpy(e->buf + e->len, p, n);
    e->len += n;
}

static void put_u16(struct enc *e, uint16_t v) { uint8_t b[2] = { v & 0xff, v >> 8 }; put(e, b, 2); }

static void put_u32(struct enc *e, uint32_t v)
{
    uint8_t b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
    put(e, b, 4);
}

static void put_u64(struct enc *e, uint64_t v)
{
    put_u32(e, (uint32_t)v);
    put_u32(e, (uint32_t)(v >> 32));
}

static void put_str(struct enc *e, const char *s)
{
    put_u32(e, (uint32_t)strlen(s));
    put(e, s, strlen(s));
}

static void begin(struct enc *e)
{
    memset(e, 0, sizeof *e);
    put(e, "CRTDPLAN", 8);
    put_u32(e, 1);
    put_u32(e, 0);
}

/* Starts a record; end_rec patches its length and the header's count. */
static void rec(struct enc *e, uint16_t tag)
{
    put_u16(e, tag);
    e->rec_start = e->len;
    put_u32(e, 0);
}

static void end_rec(struct enc *e)
{
    uint32_t vlen = (uint32_t)(e->len - e->rec_start - 4);
    size_t save = e->len;
    e->len = e->rec_start;
    put_u32(e, vlen);
    e->len = save;
    e->count++;
    save = e->len;
    e->len = 12;
    put_u32(e, e->count);
    e->len = save;
}

static void text_rec(struct enc *e, uint16_t tag, const char *s)
{
    rec(e, tag);
    put(e, s, strlen(s));
    end_rec(e);
}

static void bool_rec(struct enc *e, uint16_t tag, int v)
{
    rec(e, tag);
    uint8_t b = (uint8_t)v;
    put(e, &b, 1);
    end_rec(e);
}

static void full_plan(struct enc *e)
{
    begin(e);
    text_rec(e, TAG_ARG, "/bin/sh");
    text_rec(e, TAG_ENV, "PATH=/bin");
    text_rec(e, TAG_ARG, "-c");
    text_rec(e, TAG_ENV, "HOME=/root");
    text_rec(e, TAG_ARG, "echo hi");
    text_rec(e, TAG_CWD, "/work");
    text_rec(e, TAG_HOSTNAME, "box");
    text_rec(e, TAG_ROOTFS, "/var/lib/rootfs");
    bool_rec(e, TAG_ROOTFS_READONLY, 1);
    bool_rec(e, TAG_NO_PIVOT, 0);
    rec(e, TAG_NEW_NAMESPACES); put_u32(e, 0x20020000); end_rec(e);
    rec(e, TAG_JOIN_NAMESPACE); put_u32(e, 0x40000000); put_str(e, "/run/netns/a"); end_rec(e);
    rec(e, TAG_MOUNT);
    put_str(e, "proc"); put_str(e, "/proc"); put_str(e, "proc"); put_u64(e, 14); put_str(e, "");
    put_u64(e, 0); put_u32(e, MOUNT_DIR);
    end_rec(e);
    rec(e, TAG_MOUNT);
    put_str(e, "/host/file"); put_str(e, "/etc/hosts"); put_str(e, ""); put_u64(e, 4096 | 1);
    put_str(e, "x=1"); put_u64(e, 1 << 18); put_u32(e, MOUNT_FILE);
    end_rec(e);
    text_rec(e, TAG_MASK, "/proc/kcore");
    text_rec(e, TAG_READONLY, "/proc/sys");
    rec(e, TAG_DEVICE);
    put_str(e, "/dev/null"); put_u32(e, 0020000); put_u32(e, 1); put_u32(e, 3); put_u32(e, 0666);
    put_u32(e, 0); put_u32(e, 5);
    end_rec(e);
    rec(e, TAG_SYSCTL); put_str(e, "net.ipv4.ip_forward"); put_str(e, "1"); end_rec(e);
    rec(e, TAG_RLIMIT); put_u32(e, 7); put_u64(e, 1024); put_u64(e, 4096); end_rec(e);
    rec(e, TAG_USER); put_u32(e, 1000); put_u32(e, 1001); end_rec(e);
    rec(e, TAG_GROUPS); put_u32(e, 10); put_u32(e, 20); end_rec(e);
    rec(e, TAG_CAPS);
    put_u64(e, 0xff); put_u64(e, 0x0f); put_u64(e, 0x03); put_u64(e, 0x1f); put_u64(e, 0x01);
    end_rec(e);
    bool_rec(e, TAG_NO_NEW_PRIVS, 1);
    rec(e, TAG_SECCOMP); put_u32(e, 0);
    put_u16(e, 0x06); put(e, "\0\0", 2); put_u32(e, 0x7fff0000);
    end_rec(e);
    rec(e, TAG_OOM_SCORE_ADJ); put_u32(e, (uint32_t)-500); end_rec(e);
    text_rec(e, TAG_CGROUP_PROCS, "/sys/fs/cgroup/a/cgroup.procs");
    text_rec(e, TAG_CGROUP_PROCS, "/sys/fs/cgroup/b/cgroup.procs");
    bool_rec(e, TAG_TTY, 1);
    bool_rec(e, TAG_STDIN, 1);
    bool_rec(e, TAG_STDIN_ONCE, 1);
    rec(e, TAG_LOG_MAX_LINE); put_u32(e, 100); end_rec(e);
}

static void test_full_plan(struct tally *t)
{
    struct enc e;
    full_plan(&e);
    struct plan p;
    char err[256] = "";
    CHECK(t, plan_parse(e.buf, e.len, &p, err, sizeof err) == 0);
    CHECK_STR(t, err, "");
    CHECK(t, p.nargs == 3);
    CHECK_STR(t, p.args[0], "/bin/sh");
    CHECK_STR(t, p.args[2], "echo hi");
    CHECK(t, p.args[3] == NULL);
    CHECK(t, p.nenv == 2 && p.env[2] == NULL);
    CHECK_STR(t, p.env[1], "HOME=/root");
    CHECK_STR(t, p.cwd, "/work");
    CHECK_STR(t, p.hostname, "box");
    CHECK_STR(t, p.rootfs, "/var/lib/rootfs");
    CHECK(t, p.rootfs_readonly && !p.no_pivot);
    CHECK(t, p.new_namespaces == 0x20020000);
    CHECK(t, p.njoins == 1 && p.joins[0].type == 0x40000000);
    CHECK_STR(t, p.joins[0].path, "/run/netns/a");
    CHECK(t, p.nmounts == 2);
    CHECK_STR(t, p.mounts[0].target, "/proc");
    CHECK(t, p.mounts[0].flags == 14 && p.mounts[0].kind == MOUNT_DIR);
    CHECK_STR(t, p.mounts[1].source, "/host/file");
    CHECK_STR(t, p.mounts[1].data, "x=1");
    CHECK(t, p.mounts[1].propagation == 1 << 18 && p.mounts[1].kind == MOUNT_FILE);
    CHECK(t, p.nmasks == 1 && p.nreadonly == 1);
    CHECK(t, p.ndevices == 1 && p.devices[0].minor == 3 && p.devices[0].gid == 5);
    CHECK(t, p.nsysctls == 1);
    CHECK_STR(t, p.sysctls[0].value, "1");
    CHECK(t, p.nrlimits == 1 && p.rlimits[0].resource == 7 && p.rlimits[0].hard == 4096);
    CHECK(t, p.has_user && p.uid == 1000 && p.gid == 1001);
    CHECK(t, p.has_groups && p.ngroups == 2 && p.groups[1] == 20);
    CHECK(t, p.has_caps && p.cap_bounding == 0xff && p.cap_permitted == 0x1f && p.cap_ambient == 1);
    CHECK(t, p.no_new_privs);
    CHECK(t, p.has_seccomp && p.nseccomp == 1 && p.seccomp[0].code == 6 && p.seccomp[0].k == 0x7fff0000);
    CHECK(t, p.has_oom_score_adj && p.oom_score_adj == -500);
    CHECK(t, p.ncgroup_procs == 2);
    CHECK_STR(t, p.cgroup_procs[1], "/sys/fs/cgroup/b/cgroup.procs");
    CHECK(t, p.tty && p.stdin_pipe && p.stdin_once && !p.pause);
    CHECK(t, p.log_max_line == 100);
    plan_free(&p);
}

static int parse_fails(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    struct plan p;
    int rc = plan_parse(buf, len, &p, err, errlen);
    if (rc == 0)
        plan_free(&p);
    return rc != 0;
}

static void test_every_truncation_fails(struct tally *t)
{
    struct enc e;
    full_plan(&e);
    int rejected = 0;
    char err[256];
    for (size_t n = 0; n < e.len; n++) {
        /* A copy of exactly n bytes, so ASan sees any read past the end. */
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, e.buf, n);
        rejected += parse_fails(copy, n, err, sizeof err);
        free(copy);
    }
    CHECK(t, rejected == (int)e.len);
}

static void test_mutations_never_crash(struct tally *t)
{
    struct enc e;
    full_plan(&e);
    srand(42);
    int parsed = 0;
    char err[256];
    for (int i = 0; i < 20000; i++) {
        uint8_t *copy = malloc(e.len);
        memcpy(copy, e.buf, e.len);
        for (int k = 0; k < 1 + i % 4; k++)
            copy[(size_t)rand() % e.len] = (uint8_t)rand();
        parsed += !parse_fails(copy, e.len, err, sizeof err);
        free(copy);
    }
    CHECK(t, parsed < 20000);
}

static void test_unknown_tag(struct tally *t)
{
    struct enc e;
    begin(&e);
    text_rec(&e, TAG_ARG, "/bin/true");
    text_rec(&e, 99, "x");
    char err[256];
    CHECK(t, parse_fails(e.buf, e.len, err, sizeof err));
    CHECK_STR(t, err, "unknown record tag 99");
    begin(&e);
    text_rec(&e, 0, "x");
    CHECK(t, parse_fails(e.buf, e.len, err, sizeof err));
    CHECK_STR(t, err, "unknown record tag 0");
}

static void test_duplicate_single_tag(struct tally *t)
{
    struct enc e;
    begin(&e);
    text_rec(&e, TAG_ARG, "/bin/true");
    text_rec(&e, TAG_CWD, "/a");
    text_rec(&e, TAG_CWD, "/b");
    char err[256];
    CHECK(t, parse_fails(e.buf, e.len, err, sizeof err));
    CHECK_STR(t, err, "record tag 3 appears more than once");
}

static void test_oversized_lengths(struct tally *t)
{
    char err[256];
    struct enc e;
    begin(&e);
    rec(&e, TAG_ARG);
    put(&e, "abc", 3);
    end_rec(&e);
    e.buf[18] = 0xff; /* the record's length: now far past the end of the file */
    CHECK(t, parse_fails(e.buf, e.len, err, sizeof err));
    CHECK_STR(t, err, "record 1 of 1 is truncated");

    begin(&e);
    text_rec(&e, TAG_ARG, "/bin/true");
    rec(&e, TAG_JOIN_NAMESPACE);
    put_u32(&e, 0x40000000);
    put_u32(&e, 0xfffffff0); /* a str inside the value longer than the value */
    put(&e, "/x", 2);
    end_rec(&e);
    CHECK(t, parse_fails(e.buf, e.len, err, sizeof err));
    CHECK_STR(t, err, "record 2 (tag 9) has a malformed value of 10 bytes");

    begin(&e);
    text_rec(&e, TAG_ARG, "/bin/true");
    e.buf[12] = 5; /* the header promises more records than there are */
    CHECK(t, parse_fails(e.buf, e.len, err, sizeof err));
    CHECK_STR(t, err, "record 2 of 5 is truncated");
}

static void test_malformed_values(struct tally *t)
{
    char err[256];
    struct enc e;
    begin(&e);
    text_rec(&e, TAG_ARG, "/bin/true");
    rec(&e, TAG_USER);
    put_u32(&e, 1); /* gid missing */
    end_rec(&e);
    CHECK(t, parse_fails(e.buf, e.len, err, sizeof err));

    begin(&e);
    rec(&e, TAG_ARG);
    put(&e, "a\0b", 3);
    end_rec(&e);
    CHECK(t, parse_fails(e.buf, e.len, err, sizeof err));

    begin(&e);
    text_rec(&e, TAG_ARG, "/bin/true");
    bool_rec(&e, TAG_TTY, 2);
    CHECK(t, parse_fails(e.buf, e.len, err, sizeof err));

    begin(&e);
    text_rec(&e, TAG_ARG, "/bin/true");
    rec(&e, TAG_SECCOMP);
    put_u32(&e, 0);
    put(&e, "1234567", 7); /* not a whole sock_filter */
    end_rec(&e);
    CHECK(t, parse_fails(e.buf, e.len, err, sizeof err));

    begin(&e);
    text_rec(&e, TAG_ARG, "/bin/true");
    rec(&e, TAG_NEW_NAMESPACES);
    put_u64(&e, 1); /* a u32 record with 8 bytes */
    end_rec(&e);
    CHECK(t, parse_fails(e.buf, e.len, err, sizeof err));
}

static void test_header_and_defaults(struct tally *t)
{
    char err[256];
    struct enc e;
    begin(&e);
    text_rec(&e, TAG_ARG, "/bin/true");
    memcpy(e.buf, "CRTDPLAX", 8);
    CHECK(t, parse_fails(e.buf, e.len, err, sizeof err));
    CHECK_STR(t, err, "not an init plan (bad magic)");

    begin(&e);
    text_rec(&e, TAG_ARG, "/bin/true");
    e.buf[8] = 2;
    CHECK(t, parse_fails(e.buf, e.len, err, sizeof err));
    CHECK_STR(t, err, "unsupported plan version 2 (this shim reads plan-v1)");

    begin(&e);
    text_rec(&e, TAG_ARG, "/bin/true");
    e.buf[e.len++] = 0;
    CHECK(t, parse_fails(e.buf, e.len, err, sizeof err));
    CHECK_STR(t, err, "1 bytes after the last of 1 records");

    begin(&e);
    text_rec(&e, TAG_ENV, "A=B");
    CHECK(t, parse_fails(e.buf, e.len, err, sizeof err));
    CHECK_STR(t, err, "no ARG record (a command is needed unless PAUSE)");

    begin(&e);
    bool_rec(&e, TAG_PAUSE, 1);
    struct plan p;
    CHECK(t, plan_parse(e.buf, e.len, &p, err, sizeof err) == 0);
    CHECK(t, p.pause && p.nargs == 0 && p.args != NULL && p.args[0] == NULL);
    CHECK(t, p.log_max_line == 16384 && !p.has_user && !p.has_caps && p.rootfs == NULL);
    plan_free(&p);
}

static void test_many_repeats(struct tally *t)
{
    struct enc e;
    begin(&e);
    char arg[16];
    for (int i = 0; i < 300; i++) {
        snprintf(arg, sizeof arg, "a%d", i);
        text_rec(&e, TAG_ARG, arg);
    }
    struct plan p;
    char err[256];
    CHECK(t, plan_parse(e.buf, e.len, &p, err, sizeof err) == 0);
    CHECK(t, p.nargs == 300 && p.args[300] == NULL);
    CHECK_STR(t, p.args[0], "a0");
    CHECK_STR(t, p.args[299], "a299");
    plan_free(&p);
}

static void test_load_missing_file(struct tally *t)
{
    struct plan p;
    char err[256];
    CHECK(t, plan_load("/nonexistent/plan", &p, err, sizeof err) != 0);
    CHECK_STR(t, err, "/nonexistent/plan: No such file or directory");
}

int main(void)
{
    struct tally t = { 0, 0 };
    test_full_plan(&t);
    test_every_truncation_fails(&t);
    test_mutations_never_crash(&t);
    test_unknown_tag(&t);
    test_duplicate_single_tag(&t);
    test_oversized_lengths(&t);
    test_malformed_values(&t);
    test_header_and_defaults(&t);
    test_many_repeats(&t);
    test_load_missing_file(&t);
    return report("plan", &t);
}
