/* The shim's single-threaded event loop: control connections, container output, signals. */
#include "shim.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define READ_CHUNK 8192
#define READS_PER_WAKEUP 16

static void add_pfd(struct shim *s, int fd, short events)
{
    if (s->npfds == s->pfd_cap) {
        size_t cap = s->pfd_cap ? s->pfd_cap * 2 : 16;
        struct pollfd *bigger = realloc(s->pfds, cap * sizeof *bigger);
        if (bigger == NULL)
            return; /* this fd waits for the next round */
        s->pfds = bigger;
        s->pfd_cap = cap;
    }
    s->pfds[s->npfds++] = (struct pollfd){ .fd = fd, .events = events };
}

/* Returns false once the stream ended (EOF, or EIO from a pty master whose slave closed). */
static bool read_stream(struct shim *s, int idx, int max_reads)
{
    char buf[READ_CHUNK];
    int stream = s->pty_master >= 0 ? LOG_STDOUT : idx;
    for (int i = 0; max_reads < 0 || i < max_reads; i++) {
        ssize_t n = read(s->stdio_fd[idx], buf, sizeof buf);
        if (n > 0) {
            crilog_write(&s->log, stream, buf, (size_t)n);
            attach_broadcast(s, stream == LOG_STDOUT ? FRAME_STDOUT : FRAME_STDERR, buf, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return true;
        crilog_eof(&s->log, stream);
        close(s->stdio_fd[idx]);
        s->stdio_fd[idx] = -1;
        if (idx == 0)
            s->pty_master = -1;
        return false;
    }
    return true;
}

void drain_stdio(struct shim *s)
{
    for (int idx = 0; idx < 2; idx++)
        if (s->stdio_fd[idx] >= 0)
            read_stream(s, idx, -1);
}

void close_conn(struct shim *s, struct conn *c)
{
    exec_forget_conn(s, c);
    stream_forget(s, c);
    for (struct conn **p = &s->conns; *p; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    close(c->fd);
    free(c->out);
    free(c);
}

static struct conn *find_conn(struct shim *s, int fd)
{
    for (struct conn *c = s->conns; c; c = c->next)
        if (c->fd == fd)
            return c;
    return NULL;
}

/* Writes what the socket takes now; the rest waits for POLLOUT. */
static void flush_conn(struct shim *s, struct conn *c)
{
    while (c->outoff < c->outlen) {
        ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n < 0) {
            close_conn(s, c);
            return;
        }
        c->outoff += (size_t)n;
    }
    if (c->closing)
        close_conn(s, c);
}

void conn_reply_owned(struct conn *c, char *out, size_t len)
{
    stream_free(c); /* a reply line ends a stream that never opened (EXEC_STREAM's ERR) */
    free(c->out);
    c->out = out;
    c->outlen = len;
    c->outoff = 0;
    c->waiting = WAIT_NONE;
    c->closing = true;
}

void conn_reply(struct conn *c, const char *line)
{
    size_t len = strlen(line);
    char *out = malloc(len + 1);
    if (out == NULL) {
        conn_reply_owned(c, NULL, 0);
        return;
    }
    memcpy(out, line, len);
    out[len] = '\n';
    conn_reply_owned(c, out, len + 1);
}

void reply_waiting(struct shim *s, enum conn_wait what, const char *line)
{
    for (struct conn *c = s->conns; c; c = c->next)
        if (c->waiting == what)
            conn_reply(c, line);
}

static void accept_conns(struct shim *s)
{
    for (;;) {
        int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        struct conn *c = calloc(1, sizeof *c);
        if (c == NULL) {
            close(fd);
            return;
        }
        c->fd = fd;
        c->next = s->conns;
        s->conns = c;
    }
}

static void read_conn(struct shim *s, struct conn *c)
{
    ssize_t n = read(c->fd, c->in + c->inlen, sizeof c->in - 1 - c->inlen);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        close_conn(s, c);
        return;
    }
    c->inlen += (size_t)n;
    c->in[c->inlen] = '\0';
    char *nl = memchr(c->in, '\n', c->inlen);
    if (nl == NULL) {
        if (c->inlen == sizeof c->in - 1)
            conn_reply(c, "ERR request line too long");
        return;
    }
    *nl = '\0';
    if (nl > c->in && nl[-1] == '\r')
        nl[-1] = '\0';
    handle_request(s, c, c->in);
}

static void on_conn_event(struct shim *s, int fd, short revents)
{
    struct conn *c = find_conn(s, fd);
    if (c == NULL)
        return;
    if (c->stream != NULL) {
        stream_on_event(s, c, revents);
        return;
    }
    if (c->out != NULL || c->closing) {
        if (revents & (POLLOUT | POLLERR | POLLHUP))
            flush_conn(s, c);
        return;
    }
    if (c->waiting != WAIT_NONE) {
        if (revents & (POLLHUP | POLLERR))
            close_conn(s, c);
        return;
    }
    read_conn(s, c);
}

static void reap_children(struct shim *s)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == s->init_pid)
            on_init_exit(s, status);
        else
            exec_on_exit(s, pid, status);
    }
}

static void on_signals(struct shim *s)
{
    struct signalfd_siginfo si;
    while (read(s->signal_fd, &si, sizeof si) == sizeof si) {
        switch (si.ssi_signo) {
        case SIGCHLD:
            reap_children(s);
            break;
        case SIGUSR1:
            crilog_reopen(&s->log);
            break;
        case SIGTERM:
        case SIGINT:
            /* Stopping the shim's own process does not stop the container: pass it on. */
            if (s->state != STATE_STOPPED)
                kill(s->init_pid, (int)si.ssi_signo);
            break;
        default:
            break;
        }
    }
}

static bool may_exit(const struct shim *s)
{
    if (!s->acked || s->state != STATE_STOPPED)
        return false;
    for (const struct conn *c = s->conns; c; c = c->next)
        if (c->out != NULL && c->outoff < c->outlen)
            return false;
    return true;
}

/* Flushes replies produced by the last round of handlers before polling again. */
static void flush_all(struct shim *s)
{
    struct conn *next;
    for (struct conn *c = s->conns; c; c = next) {
        next = c->next;
        if (c->stream != NULL)
            stream_flush(s, c);
        else if (c->out != NULL || c->closing)
            flush_conn(s, c);
    }
}

static void dispatch(struct shim *s, const struct pollfd *p)
{
    /* Only stdin targets and replying connections are polled for POLLOUT alone. */
    if (p->events == POLLOUT && stream_on_writable(s, p->fd))
        return;
    if (p->fd == s->signal_fd)
        on_signals(s);
    else if (p->fd == s->listen_fd)
        accept_conns(s);
    else if (p->fd == s->sync_fd)
        on_init_report(s);
    else if (p->fd == s->stdio_fd[0])
        read_stream(s, 0, READS_PER_WAKEUP);
    else if (p->fd == s->stdio_fd[1])
        read_stream(s, 1, READS_PER_WAKEUP);
    else if (find_conn(s, p->fd) != NULL)
        on_conn_event(s, p->fd, p->revents);
    else
        exec_on_ready(s, p->fd, p->revents);
}

void shim_release(struct shim *s)
{
    while (s->conns != NULL)
        close_conn(s, s->conns);
    exec_kill_all(s);
    free(s->pfds);
    s->pfds = NULL;
    free(s->start_error);
    s->start_error = NULL;
    plan_free(&s->plan);
}

int shim_loop(struct shim *s)
{
    for (;;) {
        flush_all(s);
        if (may_exit(s))
            break;
        s->npfds = 0;
        if (s->sync_fd >= 0)
            add_pfd(s, s->sync_fd, POLLIN);
        add_pfd(s, s->signal_fd, POLLIN);
        add_pfd(s, s->listen_fd, POLLIN);
        for (int i = 0; i < 2; i++)
            if (s->stdio_fd[i] >= 0)
                add_pfd(s, s->stdio_fd[i], POLLIN);
        stream_unblock_lost_targets(s);
        for (struct conn *c = s->conns; c; c = c->next) {
            bool writing = c->out != NULL || c->closing;
            short events = writing ? POLLOUT : c->waiting == WAIT_NONE ? POLLIN : 0;
            add_pfd(s, c->fd, c->stream != NULL ? stream_poll_events(c) : events);
        }
        exec_poll_fds(s, add_pfd);
        stream_poll_fds(s, add_pfd);
        int timeout = -1;
        uint64_t deadline = exec_next_deadline(s);
        if (deadline != 0) {
            uint64_t now = monotonic_ns();
            timeout = deadline <= now ? 0 : (int)((deadline - now + 999999) / 1000000);
        }
        int n = poll(s->pfds, s->npfds, timeout);
        if (n < 0 && errno != EINTR)
            return -1;
        /* Handlers may add and close fds: walk a copy of this round's ready set. */
        size_t count = s->npfds;
        struct pollfd ready[count > 0 ? count : 1];
        memcpy(ready, s->pfds, count * sizeof *ready);
        for (size_t i = 0; n > 0 && i < count; i++)
            if (ready[i].revents != 0)
                dispatch(s, &ready[i]);
        exec_check_timeouts(s, monotonic_ns());
    }
    exec_kill_all(s);
    return 0;
}
