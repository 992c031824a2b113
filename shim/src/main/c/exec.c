/* EXEC requests: a command run in the running container, its output collected up to a cap. */
#include "shim.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define READ_CHUNK 8192
/* A streamed command's output is not read while this much waits for its client. */
#define STREAM_HIGH_WATER (256u << 10)

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static void free_job(struct shim *s, struct exec_job *job)
{
    for (struct exec_job **p = &s->jobs; *p; p = &(*p)->next) {
        if (*p == job) {
            *p = job->next;
            break;
        }
    }
    if (job->streaming)
        stream_set_job(job->conn, NULL);
    close_fd(&job->sync_fd);
    close_fd(&job->out_fd);
    close_fd(&job->err_fd);
    close_fd(&job->in_fd);
    free(job->buf[0]);
    free(job->buf[1]);
    free(job);
}

static void kill_job(struct exec_job *job)
{
    /* The command leads its own session; its process group holds what it started. */
    kill(-job->pid, SIGKILL);
    kill(job->pid, SIGKILL);
}

/* Keeps up to cap bytes of a stream; the rest is read and dropped so the child never blocks. */
static void read_output(struct exec_job *job, int idx, bool drain)
{
    int *fd = idx == 0 ? &job->out_fd : &job->err_fd;
    char chunk[READ_CHUNK];
    /* a streamed command's drain is bounded too: processes it left behind may write on */
    int max_reads = !drain ? 16 : job->streaming ? 64 : -1;
    for (int i = 0; *fd >= 0 && (max_reads < 0 || i < max_reads); i++) {
        ssize_t n = read(*fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            close_fd(fd);
            return;
        }
        if (job->streaming) {
            /* without a client (it left, the command is being killed) the output is dropped */
            if (job->conn != NULL)
                stream_send(job->conn, idx == 0 ? FRAME_STDOUT : FRAME_STDERR, chunk, (size_t)n);
            continue;
        }
        size_t keep = job->cap - job->len[idx];
        if (keep > (size_t)n)
            keep = (size_t)n;
        if (keep == 0)
            continue;
        char *grown = realloc(job->buf[idx], job->len[idx] + keep);
        if (grown == NULL)
            continue;
        job->buf[idx] = grown;
        memcpy(grown + job->len[idx], chunk, keep);
        job->len[idx] += keep;
    }
}

static void finish(struct shim *s, struct exec_job *job, int code, bool timed_out)
{
    char head[96];
    int n = snprintf(head, sizeof head, "OK %d %d %zu %zu\n", code, timed_out ? 1 : 0, job->len[0],
                     job->len[1]);
    size_t total = (size_t)n + job->len[0] + job->len[1];
    char *out = malloc(total);
    if (job->conn != NULL && out != NULL) {
        memcpy(out, head, (size_t)n);
        if (job->len[0])
            memcpy(out + n, job->buf[0], job->len[0]);
        if (job->len[1])
            memcpy(out + n + job->len[0], job->buf[1], job->len[1]);
        conn_reply_owned(job->conn, out, total);
    } else {
        free(out);
    }
    free_job(s, job);
}

static void fail_request(struct conn *c, const char *step, const char *msg)
{
    char reply[1200];
    snprintf(reply, sizeof reply, "ERR %s%s%s", step, *step ? ": " : "", msg);
    conn_reply(c, reply);
}

static int make_pipe(int fds[2])
{
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    set_nonblock(fds[0]);
    return 0;
}

/* Starts the plan's command with pipes (or its pty) for output and, when asked, a stdin pipe;
 * NULL after an ERR reply. */
static struct exec_job *launch_job(struct shim *s, struct conn *c, const struct plan *plan, bool with_stdin)
{
    char err[1024];
    struct exec_job *job = calloc(1, sizeof *job);
    int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, in[2] = { -1, -1 };
    if (job == NULL || (!plan->tty && make_pipe(out) < 0) || make_pipe(errp) < 0
            || (with_stdin && !plan->tty && pipe2(in, O_CLOEXEC) < 0)) {
        fail_request(c, "pipe", strerror(errno));
        goto fail;
    }
    struct child_stdio io = { in[0], out[1], errp[1] };
    struct launched child;
    if (launch_child(plan, &io, true, false, &child, err, sizeof err) < 0) {
        fail_request(c, "", err);
        goto fail;
    }
    char run = START_RUN;
    write_all(child.start_fd, &run, 1);
    close(child.start_fd);
    close_fd(&out[1]);
    close_fd(&errp[1]);
    close_fd(&in[0]);
    if (in[1] >= 0)
        set_nonblock(in[1]);
    set_nonblock(child.sync_fd);
    job->pid = child.pid;
    job->sync_fd = child.sync_fd;
    job->out_fd = out[0];
    job->err_fd = errp[0];
    job->in_fd = in[1];
    job->tty = plan->tty;
    job->conn = c;
    job->next = s->jobs;
    s->jobs = job;
    c->waiting = WAIT_EXEC;
    return job;
fail:
    for (int i = 0; i < 2; i++) {
        close_fd(&out[i]);
        close_fd(&errp[i]);
        close_fd(&in[i]);
    }
    free(job);
    return NULL;
}

void exec_request(struct shim *s, struct conn *c, char *args)
{
    char path[1024];
    long long timeout_ms, cap;
    if (sscanf(args, "%1023s %lld %lld", path, &timeout_ms, &cap) != 3 || timeout_ms < 0 || cap < 0) {
        conn_reply(c, "ERR usage: EXEC <plan-path> <timeout-ms> <output-cap>");
        return;
    }
    if (s->state != STATE_RUNNING) {
        conn_reply(c, "ERR the container is not running");
        return;
    }
    char err[1024];
    struct plan plan;
    if (plan_load(path, &plan, err, sizeof err) < 0) {
        fail_request(c, "plan", err);
        return;
    }
    struct exec_job *job = launch_job(s, c, &plan, false);
    if (job != NULL) {
        job->cap = (size_t)cap;
        job->deadline_ns = timeout_ms > 0 ? monotonic_ns() + (uint64_t)timeout_ms * 1000000u : 0;
    }
    plan_free(&plan);
}

/* Like EXEC, but OK comes once the command runs, and then its stdio travels as frames. */
void exec_stream_request(struct shim *s, struct conn *c, char *args)
{
    char path[1024], extra;
    int tty, with_stdin;
    if (sscanf(args, "%1023s %d %d %c", path, &tty, &with_stdin, &extra) != 3 || (tty | with_stdin) & ~1) {
        conn_reply(c, "ERR usage: EXEC_STREAM <plan-path> <tty 0/1> <stdin 0/1>");
        return;
    }
    if (s->state != STATE_RUNNING) {
        conn_reply(c, "ERR the container is not running");
        return;
    }
    char err[1024];
    struct plan plan;
    if (plan_load(path, &plan, err, sizeof err) < 0) {
        fail_request(c, "plan", err);
        return;
    }
    if (plan.tty != (tty == 1)) {
        conn_reply(c, tty ? "ERR plan: EXEC_STREAM asks for a tty but the plan has no TTY"
                          : "ERR plan: the plan has TTY but EXEC_STREAM asks for no tty");
    } else if ((c->stream = stream_new(true, with_stdin, true, true)) == NULL) {
        conn_reply(c, "ERR out of memory");
    } else {
        struct exec_job *job = launch_job(s, c, &plan, with_stdin);
        if (job != NULL) {
            job->streaming = true;
            stream_set_job(c, job);
        }
    }
    plan_free(&plan);
}

void exec_poll_fds(struct shim *s, void (*add)(struct shim *, int, short))
{
    for (struct exec_job *j = s->jobs; j; j = j->next) {
        if (j->sync_fd >= 0)
            add(s, j->sync_fd, POLLIN);
        /* Streamed output waits until OK went out (after the execve), and while the client is
         * behind: the command blocks on a full pipe instead of the shim buffering without end. */
        if (j->streaming && (!j->execed || (j->conn != NULL && stream_backlog(j->conn) > STREAM_HIGH_WATER)))
            continue;
        if (j->out_fd >= 0)
            add(s, j->out_fd, POLLIN);
        if (j->err_fd >= 0)
            add(s, j->err_fd, POLLIN);
    }
}

static void maybe_finish(struct shim *s, struct exec_job *job)
{
    if (!job->exited || job->sync_fd >= 0)
        return;
    /* Output still buffered in the pipes belongs to the command; later output from processes
     * it left behind does not hold up the reply. */
    read_output(job, 0, true);
    read_output(job, 1, true);
    int code = WIFSIGNALED(job->status) ? 128 + WTERMSIG(job->status) : WEXITSTATUS(job->status);
    if (job->streaming) {
        if (job->conn != NULL)
            stream_end(job->conn, code);
        job->conn = NULL;
        free_job(s, job);
        return;
    }
    finish(s, job, code, false);
}

/* The sync pipe: EOF once the command execed; an error report means it never ran, and the job
 * is answered and freed (returns false then). */
static bool on_sync(struct shim *s, struct exec_job *job)
{
    char msg[1100];
    int fd = -1;
    enum report r = read_report(job->sync_fd, msg, sizeof msg, &fd);
    if (r == REPORT_TTY && job->out_fd < 0) {
        set_nonblock(fd);
        job->out_fd = fd;
    } else if (r == REPORT_TTY) {
        close(fd);
    }
    if (r == REPORT_AGAIN || r == REPORT_READY || r == REPORT_TTY)
        return true;
    close_fd(&job->sync_fd);
    if (r == REPORT_ERROR) {
        if (job->conn != NULL)
            fail_request(job->conn, "", msg);
        job->conn = NULL;
        free_job(s, job);
        return false;
    }
    job->execed = true;
    if (job->streaming && job->conn != NULL)
        stream_open(job->conn);
    maybe_finish(s, job);
    return true;
}

void exec_on_ready(struct shim *s, int fd, short revents)
{
    (void)revents;
    for (struct exec_job *j = s->jobs; j; j = j->next) {
        if (fd == j->sync_fd) {
            on_sync(s, j);
            return;
        }
        if (fd == j->out_fd || fd == j->err_fd) {
            read_output(j, fd == j->out_fd ? 0 : 1, false);
            return;
        }
    }
}

void exec_on_exit(struct shim *s, pid_t pid, int status)
{
    for (struct exec_job *j = s->jobs; j; j = j->next) {
        if (j->pid == pid) {
            j->exited = true;
            j->status = status;
            /* A child that died before exec leaves its report (or EOF) in the pipe. */
            if (j->sync_fd >= 0)
                on_sync(s, j);
            else
                maybe_finish(s, j);
            return;
        }
    }
}

void exec_check_timeouts(struct shim *s, uint64_t now)
{
    struct exec_job *next;
    for (struct exec_job *j = s->jobs; j; j = next) {
        next = j->next;
        if (j->deadline_ns != 0 && now >= j->deadline_ns) {
            kill_job(j);
            read_output(j, 0, true);
            read_output(j, 1, true);
            finish(s, j, -1, true);
        }
    }
}

uint64_t exec_next_deadline(const struct shim *s)
{
    uint64_t next = 0;
    for (const struct exec_job *j = s->jobs; j; j = j->next)
        if (j->deadline_ns != 0 && (next == 0 || j->deadline_ns < next))
            next = j->deadline_ns;
    return next;
}

void exec_forget_conn(struct shim *s, struct conn *c)
{
    for (struct exec_job *j = s->jobs; j; j = j->next) {
        if (j->conn != c)
            continue;
        j->conn = NULL;
        /* A streamed command lives only as long as its client; it is reaped as usual. Once it
         * was reaped its pid may be reused: it is not signalled then. */
        if (j->streaming && !j->exited)
            kill_job(j);
        if (j->streaming)
            close_fd(&j->in_fd);
    }
}

void exec_kill_all(struct shim *s)
{
    while (s->jobs != NULL) {
        kill_job(s->jobs);
        free_job(s, s->jobs);
    }
}
