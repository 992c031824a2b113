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
    close_fd(&job->sync_fd);
    close_fd(&job->out_fd);
    close_fd(&job->err_fd);
    free(job->buf[0]);
    free(job->buf[1]);
    free(job);
}

/* Keeps up to cap bytes of a stream; the rest is read and dropped so the child never blocks. */
static void read_output(struct exec_job *job, int idx, bool drain)
{
    int *fd = idx == 0 ? &job->out_fd : &job->err_fd;
    char chunk[READ_CHUNK];
    for (int i = 0; *fd >= 0 && (drain || i < 16); i++) {
        ssize_t n = read(*fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            close_fd(fd);
            return;
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
    struct exec_job *job = calloc(1, sizeof *job);
    int out[2] = { -1, -1 }, errp[2] = { -1, -1 };
    if (job == NULL || (!plan.tty && make_pipe(out) < 0) || make_pipe(errp) < 0) {
        fail_request(c, "pipe", strerror(errno));
        goto fail;
    }
    struct child_stdio io = { -1, out[1], errp[1] };
    struct launched child;
    if (launch_child(&plan, &io, true, &child, err, sizeof err) < 0) {
        fail_request(c, "", err);
        goto fail;
    }
    char run = START_RUN;
    write_all(child.start_fd, &run, 1);
    close(child.start_fd);
    if (out[1] >= 0)
        close(out[1]);
    close(errp[1]);
    set_nonblock(child.sync_fd);
    job->pid = child.pid;
    job->sync_fd = child.sync_fd;
    job->out_fd = out[0];
    job->err_fd = errp[0];
    job->cap = (size_t)cap;
    job->deadline_ns = timeout_ms > 0 ? monotonic_ns() + (uint64_t)timeout_ms * 1000000u : 0;
    job->conn = c;
    job->next = s->jobs;
    s->jobs = job;
    c->waiting = WAIT_EXEC;
    plan_free(&plan);
    return;
fail:
    for (int i = 0; i < 2; i++) {
        if (out[i] >= 0)
            close(out[i]);
        if (errp[i] >= 0)
            close(errp[i]);
    }
    free(job);
    plan_free(&plan);
}

void exec_poll_fds(struct shim *s, void (*add)(struct shim *, int, short))
{
    for (struct exec_job *j = s->jobs; j; j = j->next) {
        if (j->sync_fd >= 0)
            add(s, j->sync_fd, POLLIN);
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

static void kill_job(struct exec_job *job)
{
    /* The command leads its own session; its process group holds what it started. */
    kill(-job->pid, SIGKILL);
    kill(job->pid, SIGKILL);
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
    for (struct exec_job *j = s->jobs; j; j = j->next)
        if (j->conn == c)
            j->conn = NULL;
}

void exec_kill_all(struct shim *s)
{
    while (s->jobs != NULL) {
        kill_job(s->jobs);
        free_job(s, s->jobs);
    }
}
