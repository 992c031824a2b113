#include "crilog.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *const stream_names[2] = { "stdout", "stderr" };

size_t format_rfc3339nano(uint64_t ns, char out[40])
{
    uint64_t secs = ns / 1000000000u;
    unsigned nanos = (unsigned)(ns % 1000000000u);
    int64_t days = (int64_t)(secs / 86400);
    unsigned sod = (unsigned)(secs % 86400);
    /* Days since 1970-01-01 to a proleptic Gregorian date, counting in 400-year eras that start
     * on March 1st so leap days fall at the end of each year. */
    int64_t z = days + 719468;
    int64_t era = z / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned day = doy - (153 * mp + 2) / 5 + 1;
    unsigned month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = (int64_t)yoe + era * 400 + (month <= 2);
    int n = snprintf(out, 40, "%04lld-%02u-%02uT%02u:%02u:%02u.%09uZ", (long long)year, month, day,
                     sod / 3600, sod / 60 % 60, sod % 60, nanos);
    return (size_t)n;
}

static int open_log(const char *path)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

int crilog_open(struct crilog *log, const char *path, uint32_t max_line)
{
    memset(log, 0, sizeof *log);
    log->path = path;
    log->max_line = max_line ? max_line : 16384;
    log->fd = -1;
    if (path == NULL)
        return 0;
    log->fd = open_log(path);
    return log->fd < 0 ? -1 : 0;
}

int crilog_reopen(struct crilog *log)
{
    if (log->path == NULL)
        return 0;
    int fd = open_log(log->path);
    if (fd < 0)
        return -1;
    if (log->fd >= 0)
        close(log->fd);
    log->fd = fd;
    return 0;
}

/* One record whose content is a (the held part of the line) followed by b (the new part). */
static void emit(struct crilog *log, int stream, char tag, const char *a, size_t alen,
                 const char *b, size_t blen)
{
    if (log->fd < 0)
        return;
    char head[64];
    size_t n = format_rfc3339nano(realtime_ns(), head);
    n += (size_t)snprintf(head + n, sizeof head - n, " %s %c ", stream_names[stream], tag);
    struct iovec iov[4] = {
        { head, n }, { (void *)a, alen }, { (void *)b, blen }, { (void *)"\n", 1 },
    };
    size_t total = n + alen + blen + 1;
    ssize_t w;
    do
        w = writev(log->fd, iov, 4);
    while (w < 0 && errno == EINTR);
    if (w >= 0 && (size_t)w < total) {
        /* A short append (disk full, quota) is finished piece by piece. */
        size_t done = (size_t)w;
        for (int i = 0; i < 4; i++) {
            if (done >= iov[i].iov_len) {
                done -= iov[i].iov_len;
                continue;
            }
            if (write_all(log->fd, (char *)iov[i].iov_base + done, iov[i].iov_len - done) < 0)
                return;
            done = 0;
        }
    }
}

/* Emits P records while the held bytes plus the new content exceed one record. */
static void split_overlong(struct crilog *log, int stream, const char **data, size_t *len)
{
    struct crilog_pending *p = &log->pending[stream];
    while (p->len + *len > log->max_line) {
        size_t need = log->max_line - p->len;
        emit(log, stream, 'P', p->buf, p->len, *data, need);
        p->len = 0;
        *data += need;
        *len -= need;
    }
}

void crilog_write(struct crilog *log, int stream, const char *data, size_t len)
{
    struct crilog_pending *p = &log->pending[stream];
    while (len > 0) {
        const char *nl = memchr(data, '\n', len);
        size_t seg = nl ? (size_t)(nl - data) : len;
        const char *content = data;
        data += seg + (nl != NULL);
        len -= seg + (nl != NULL);
        split_overlong(log, stream, &content, &seg);
        if (nl != NULL) {
            emit(log, stream, 'F', p->buf, p->len, content, seg);
            p->len = 0;
            continue;
        }
        if (seg == 0)
            break;
        if (p->buf == NULL && (p->buf = malloc(log->max_line)) == NULL) {
            emit(log, stream, 'P', content, seg, NULL, 0);
            break;
        }
        memcpy(p->buf + p->len, content, seg);
        p->len += seg;
    }
}

void crilog_eof(struct crilog *log, int stream)
{
    struct crilog_pending *p = &log->pending[stream];
    if (p->len > 0)
        emit(log, stream, 'F', p->buf, p->len, NULL, 0);
    p->len = 0;
    free(p->buf);
    p->buf = NULL;
}

void crilog_close(struct crilog *log)
{
    crilog_eof(log, LOG_STDOUT);
    crilog_eof(log, LOG_STDERR);
    if (log->fd >= 0)
        close(log->fd);
    log->fd = -1;
}
