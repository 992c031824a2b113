/* The CRI log writer: container output as "<time> <stream> <P|F> <bytes>" records. */
#ifndef CORTADO_CRILOG_H
#define CORTADO_CRILOG_H

#include <stddef.h>
#include <stdint.h>

enum { LOG_STDOUT = 0, LOG_STDERR = 1 };

/* The unfinished line of one stream, held until its '\n' or until it exceeds max_line. */
struct crilog_pending {
    char *buf;
    size_t len;
};

struct crilog {
    const char *path; /* NULL: output is discarded */
    int fd;
    uint32_t max_line;
    struct crilog_pending pending[2];
};

/* Formats ns since the epoch as RFC 3339 UTC with nanoseconds; returns the length (30). */
size_t format_rfc3339nano(uint64_t ns, char out[40]);

int crilog_open(struct crilog *log, const char *path, uint32_t max_line);
int crilog_reopen(struct crilog *log);
/* Appends a chunk a stream produced; whole lines become F records, overlong ones P records. */
void crilog_write(struct crilog *log, int stream, const char *data, size_t len);
/* The stream ended: an unterminated last line is written as F. */
void crilog_eof(struct crilog *log, int stream);
void crilog_close(struct crilog *log);

#endif
