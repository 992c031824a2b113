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

/* Frame ids of the streaming verbs (PROTOCOL.md section 3). */
enum { FRAME_STDIN = 0, FRAME_STDOUT = 1, FRAME_STDERR = 2, FRAME_EXIT = 3, FRAME_RESIZE = 4 };

struct stream; /* stream.c: a connection that carries frames after its OK */

/* One control connection: a request line in, one reply (and maybe a payload) out. */
struct conn {
    int fd;
    char in[1024];
    size_t inlen;
    enum conn_wait waiting;
    char *out;
    size_t outlen, outoff;
    bool closing; /* close once out is flushed */
    struct stream *stream; /* ATTACH and EXEC_STREAM: frames instead of one reply */
    struct conn *next;
};

/* A running EXEC request: its child, output collected up to a cap, and a deadline; or, for
 * EXEC_STREAM, output sent as frames and stdin taken from them. */
struct exec_job {
    pid_t pid;
    int sync_fd, out_fd, err_fd; /* with a tty, out_fd is the pty master */
    int in_fd;                   /* EXEC_STREAM with stdin and no tty: the stdin pipe, or -1 */
    bool streaming, tty;
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
void close_conn(struct shim *s, struct conn *c);
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
void exec_stream_request(struct shim *s, struct conn *c, char *args);

/* stream.c */
struct stream *stream_new(bool is_exec, bool want_in, bool want_out, bool want_err);
void stream_free(struct conn *c);
/* Queues OK: from now on the connection carries frames. */
void stream_open(struct conn *c);
/* Queues a frame; false when the connection does not take frames or was dropped for lagging. */
bool stream_send(struct conn *c, int id, const void *data, size_t len);
/* Queues the exit frame; the connection closes once it is sent. */
void stream_end(struct conn *c, int exit_code);
size_t stream_backlog(const struct conn *c);
/* The command of an EXEC_STREAM started, or (NULL) is gone. */
void stream_set_job(struct conn *c, struct exec_job *job);
/* The connection closes: an attach's stdin ends (STDIN_ONCE); the stream is freed. */
void stream_forget(struct shim *s, struct conn *c);
void stream_on_event(struct shim *s, struct conn *c, short revents);
/* Sends what the socket takes; closes the connection once dropped or finished. */
void stream_flush(struct shim *s, struct conn *c);
short stream_poll_events(const struct conn *c);
/* POLLOUT on stdin targets that a stream waits for. */
void stream_poll_fds(struct shim *s, void (*add)(struct shim *, int, short));
/* A stdin target became writable; false when no stream waited for fd. */
bool stream_on_writable(struct shim *s, int fd);
void stream_unblock_lost_targets(struct shim *s);
void attach_request(struct shim *s, struct conn *c, char *args);
/* Container output to every attached connection that asked for stream id. */
void attach_broadcast(struct shim *s, int id, const char *data, size_t len);
/* The container exited: every attached connection gets the exit frame. */
void attach_end_all(struct shim *s);

#endif
