/* The CRI log writer: record format, P/F splitting, EOF, reopen, timestamps. */
#include "check.h"
#include "crilog.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char dir[64];

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return strdup("");
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

/* The log without timestamps: "stdout F abc\n..." - each timestamp is checked on the way. */
static char *records(struct tally *t, const char *path)
{
    char *text = slurp(path);
    char *out = calloc(1, strlen(text) + 1);
    regex_t re;
    regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z "
                 "(stdout|stderr) [PF] ", REG_EXTENDED);
    for (char *line = text, *next; *line; line = next) {
        char *nl = strchr(line, '\n');
        next = nl ? nl + 1 : line + strlen(line);
        if (nl)
            *nl = '\0';
        CHECK(t, regexec(&re, line, 0, NULL, 0) == 0);
        strcat(out, line + (strlen(line) >= 31 ? 31 : strlen(line)));
        strcat(out, "\n");
    }
    regfree(&re);
    free(text);
    return out;
}

static void with_log(struct tally *t, uint32_t max, void (*feed)(struct crilog *), const char *want)
{
    char path[128];
    snprintf(path, sizeof path, "%s/log", dir);
    unlink(path);
    struct crilog log;
    CHECK(t, crilog_open(&log, path, max) == 0);
    feed(&log);
    crilog_close(&log);
    char *got = records(t, path);
    CHECK_STR(t, got, want);
    free(got);
    unlink(path);
}

static void whole_lines(struct crilog *l) { crilog_write(l, LOG_STDOUT, "abc\ndef\n", 8); }
static void split_chunks(struct crilog *l)
{
    crilog_write(l, LOG_STDOUT, "ab", 2);
    crilog_write(l, LOG_STDOUT, "cd\nef", 5);
    crilog_write(l, LOG_STDOUT, "\n", 1);
}
static void overlong(struct crilog *l) { crilog_write(l, LOG_STDOUT, "0123456789abcdefXYZ\n", 20); }
static void exact(struct crilog *l) { crilog_write(l, LOG_STDOUT, "01234567\n0123456789abcdef\n", 26); }
static void overlong_chunks(struct crilog *l)
{
    crilog_write(l, LOG_STDOUT, "0123", 4);
    crilog_write(l, LOG_STDOUT, "4567", 4);
    crilog_write(l, LOG_STDOUT, "89", 2);
    crilog_write(l, LOG_STDOUT, "\n", 1);
}
static void empty_lines(struct crilog *l) { crilog_write(l, LOG_STDERR, "\n\nx\n", 4); }
static void eof_partial(struct crilog *l)
{
    crilog_write(l, LOG_STDOUT, "done\npartial", 12);
    crilog_eof(l, LOG_STDOUT);
    crilog_write(l, LOG_STDOUT, "after\n", 6);
}
static void interleaved(struct crilog *l)
{
    crilog_write(l, LOG_STDOUT, "out-", 4);
    crilog_write(l, LOG_STDERR, "err-", 4);
    crilog_write(l, LOG_STDERR, "line\n", 5);
    crilog_write(l, LOG_STDOUT, "line\n", 5);
}
static void close_flushes(struct crilog *l) { crilog_write(l, LOG_STDERR, "pending", 7); }

static void test_splitting(struct tally *t)
{
    with_log(t, 8, whole_lines, "stdout F abc\nstdout F def\n");
    with_log(t, 8, split_chunks, "stdout F abcd\nstdout F ef\n");
    with_log(t, 8, overlong, "stdout P 01234567\nstdout P 89abcdef\nstdout F XYZ\n");
    with_log(t, 8, exact, "stdout F 01234567\nstdout P 01234567\nstdout F 89abcdef\n");
    with_log(t, 8, overlong_chunks, "stdout P 01234567\nstdout F 89\n");
    with_log(t, 8, empty_lines, "stderr F \nstderr F \nstderr F x\n");
    with_log(t, 8, eof_partial, "stdout F done\nstdout F partial\nstdout F after\n");
    with_log(t, 8, interleaved, "stderr F err-line\nstdout F out-line\n");
    with_log(t, 8, close_flushes, "stderr F pending\n");
    with_log(t, 0, overlong, "stdout F 0123456789abcdefXYZ\n");
}

static void test_reopen(struct tally *t)
{
    char path[128], moved[128];
    snprintf(path, sizeof path, "%s/reopen.log", dir);
    snprintf(moved, sizeof moved, "%s/reopen.log.1", dir);
    struct crilog log;
    CHECK(t, crilog_open(&log, path, 0) == 0);
    crilog_write(&log, LOG_STDOUT, "one\n", 4);
    CHECK(t, rename(path, moved) == 0);
    crilog_write(&log, LOG_STDOUT, "two\n", 4);
    CHECK(t, crilog_reopen(&log) == 0);
    crilog_write(&log, LOG_STDOUT, "three\n", 6);
    crilog_close(&log);
    char *old = records(t, moved), *fresh = records(t, path);
    CHECK_STR(t, old, "stdout F one\nstdout F two\n");
    CHECK_STR(t, fresh, "stdout F three\n");
    free(old);
    free(fresh);
    unlink(path);
    unlink(moved);

    CHECK(t, crilog_open(&log, NULL, 0) == 0); /* --log -: accepted and discarded */
    crilog_write(&log, LOG_STDOUT, "x\n", 2);
    CHECK(t, crilog_reopen(&log) == 0);
    crilog_close(&log);
}

static void test_timestamps(struct tally *t)
{
    char out[40];
    format_rfc3339nano(0, out);
    CHECK_STR(t, out, "1970-01-01T00:00:00.000000000Z");
    format_rfc3339nano(951782400ull * 1000000000u + 5, out);
    CHECK_STR(t, out, "2000-02-29T00:00:00.000000005Z");
    format_rfc3339nano(4107542399ull * 1000000000u + 999999999u, out);
    CHECK_STR(t, out, "2100-02-28T23:59:59.999999999Z");
    /* Agrees with the C library's calendar over four centuries of random instants. */
    srand(7);
    int agree = 0;
    for (int i = 0; i < 100000; i++) {
        uint64_t secs = ((uint64_t)rand() << 16 ^ (uint64_t)rand()) % 12622780800ull;
        time_t tt = (time_t)secs;
        struct tm tm;
        gmtime_r(&tt, &tm);
        char want[40], got[40];
        size_t n = strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(want + n, sizeof want - n, ".%09uZ", (unsigned)(i * 7919u % 1000000000u));
        format_rfc3339nano(secs * 1000000000u + i * 7919u % 1000000000u, got);
        agree += strcmp(got, want) == 0;
    }
    CHECK(t, agree == 100000);
}

int main(void)
{
    struct tally t = { 0, 0 };
    snprintf(dir, sizeof dir, "/tmp/cortado-crilog-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 2;
    test_splitting(&t);
    test_reopen(&t);
    test_timestamps(&t);
    rmdir(dir);
    return report("crilog", &t);
}
