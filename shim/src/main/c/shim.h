/* The shim process: its state, event loop, control requests and exec jobs. */
#ifndef CORTADO_SHIM_H
#define CORTADO_SHIM_H

#include "crilog.h"
#include "launch.h"
#include "plan.h"

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum conn_wait { WAIT_NONE, WAIT_START, WAIT_EXIT, WAIT_EXEC };

/* One control connection: a request line in, one reply (and maybe a payload) out. */
struct conn {
    int fd;
    char in[1024];
    size_t inlen;
    enum conn_wait waiting;
    char *out;
    size_t outlen, outoff;
    bool closing; /* close once out is flushed */
    struct conn *next;
};

/* A running EXEC request: its child, output collected up to a cap, and a deadline. */
struct exec_job {
    pid_t pid;
    int sync_fd, out_fd, err_fd;
    char *buf[2];
    size_t len[2], cap;
    uint64_t deadline_ns; /* monotonic; 0 = none */
    bool exited, execed;
    int status;
    struct conn *conn;
    struct exec_job *next;
};

enum container_state { STATE_CREATED, STATE_RUNNING, STATE_STOPPED };

struct shim {
    const char *id, *bundle, *socket_path, *log_path, *exit_file;
    struct plan plan;
    struct crilog log;
    int listen_fd, signal_fd, devnull_fd;
    int stdio_fd[2]; /* read ends of stdout/stderr pipes; a pty master is stdio_fd[0] */
    int pty_master;  /* same fd as stdio_fd[0] when the container has a tty, else -1 */
    int stdin_fd;    /* write end of the container's stdin pipe, or -1 */
    int sync_fd, start_fd;
    pid_t init_pid;
    bool own_pid_ns;
    enum container_state state;
    bool start_requested, acked;
    char *start_error;
    int exit_code, exit_signal;
    uint64_t started_ns, finished_ns;
    struct conn *conns;
    struct exec_job *jobs;
    struct pollfd *pfds;
    size_t npfds, pfd_cap;
};

/* loop.c */
int shim_loop(struct shim *s);
/* Frees what the loop and the plan hold, once the shim is done. */
void shim_release(struct shim *s);
/* Reads whatever the container's stdout/stderr hold now into the log. */
void drain_stdio(struct shim *s);
void conn_reply(struct conn *c, const char *line);
void conn_reply_owned(struct conn *c, char *out, size_t len);
/* Sends a reply line to every connection waiting for this event. */
void reply_waiting(struct shim *s, enum conn_wait what, const char *line);

/* control.c */
void handle_request(struct shim *s, struct conn *c, char *line);
void on_init_exit(struct shim *s, int status);
void on_init_report(struct shim *s);
void format_wait_reply(const struct shim *s, char *out, size_t len);

/* exec.c */
void exec_request(struct shim *s, struct conn *c, char *args);
void exec_poll_fds(struct shim *s, void (*add)(struct shim *, int, short));
void exec_on_ready(struct shim *s, int fd, short revents);
void exec_on_exit(struct shim *s, pid_t pid, int status);
void exec_check_timeouts(struct shim *s, uint64_t now);
uint64_t exec_next_deadline(const struct shim *s);
void exec_forget_conn(struct shim *s, struct conn *c);
void exec_kill_all(struct shim *s);

#endif
