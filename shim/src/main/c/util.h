/* Small helpers shared by every role of cortado-shim: I/O without stdio, clocks, durable files. */
#ifndef CORTADO_UTIL_H
#define CORTADO_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SHIM_VERSION "0.1.0"

/* Writes all of buf, retrying on EINTR and short writes; -1 with errno on failure. */
int write_all(int fd, const void *buf, size_t len);

/* Writes a NUL-terminated string (best effort, for diagnostics and replies). */
int write_str(int fd, const char *s);

/* Reads a whole file into a malloc'd buffer (NUL-terminated, length in *len); NULL with errno. */
char *read_file(const char *path, size_t max, size_t *len);

/* Writes content to path.tmp, fsyncs it, renames it over path and fsyncs the directory. */
int write_file_durably(const char *path, const char *content, size_t len, int sync);

/* Writes a short string into an existing file (cgroup.procs, oom_score_adj, sysctls). */
int write_to_file(const char *path, const char *content);

uint64_t realtime_ns(void);
uint64_t monotonic_ns(void);

/* Parses a decimal integer that must fill the whole string; 0 on success. */
int parse_i64(const char *s, int64_t *out);

/* Sets O_NONBLOCK, or FD_CLOEXEC. */
int set_nonblock(int fd);
int set_cloexec(int fd, int on);

#endif
