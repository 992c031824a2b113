/* Framed connections (ATTACH, EXEC_STREAM): live output out, stdin and resizes in. */
#include "shim.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#define FRAME_HEADER 5
#define MAX_IN_FRAME 65536
/* An attach client this far behind is dropped: the container and its log never wait for it. */
#define MAX_PENDING (1u << 20)
#define READS_PER_WAKEUP 64

struct stream {
    struct exec_job *job; /* the command of an EXEC_STREAM while it runs; NULL for an attach */
    bool is_exec;
    bool open;          /* OK was sent: frames flow */
    bool want_out[3];   /* by frame id: FRAME_STDOUT, FRAME_STDERR */
    bool want_in;
    bool stdin_done;    /* this connection's stdin ended (empty frame or disconnect) */
    bool finishing;     /* the exit frame is queued: close once it is sent */
    bool dropped;       /* fell behind or broke the protocol: close at the next flush */
    unsigned char hdr[FRAME_HEADER];
    size_t hdrlen;
    unsigned char *payload;
    uint32_t paylen, payhave;
    size_t applied;     /* bytes of a complete stdin payload already written */
    bool blocked;       /* a complete stdin frame waits for its target to take more */
    char *out;
    size_t outlen, outoff, outcap;
};

struct stream *stream_new(bool is_exec, bool want_in, bool want_out, bool want_err)
{
    struct stream *st = calloc(1, sizeof *st);
    if (st == NULL)
        return NULL;
    st->is_exec = is_exec;
    st->want_in = want_in;
    st->want_out[FRAME_STDOUT] = want_out;
    st->want_out[FRAME_STDERR] = want_err;
    return st;
}

void stream_free(struct conn *c)
{
    if (c->stream == NULL)
        return;
    free(c->stream->payload);
    free(c->stream->out);
    free(c->stream);
    c->stream = NULL;
}

void stream_set_job(struct conn *c, struct exec_job *job)
{
    if (c != NULL && c->stream != NULL)
        c->stream->job = job;
}

static bool append(struct stream *st, const void *data, size_t len)
{
    if (st->dropped)
        return false;
    if (st->outlen - st->outoff + len > MAX_PENDING) {
        st->dropped = true;
        return false;
    }
    if (st->outoff > 0 && st->outlen + len > st->outcap) {
        memmove(st->out, st->out + st->outoff, st->outlen - st->outoff);
        st->outlen -= st->outoff;
        st->outoff = 0;
    }
    if (st->outlen + len > st->outcap) {
        size_t cap = st->outcap ? st->outcap : 16384;
        while (cap < st->outlen + len)
            cap *= 2;
        char *bigger = realloc(st->out, cap);
        if (bigger == NULL) {
            st->dropped = true;
            return false;
        }
        st->out = bigger;
        st->outcap = cap;
    }
    memcpy(st->out + st->outlen, data, len);
    st->outlen += len;
    return true;
}

void stream_open(struct conn *c)
{
    c->waiting = WAIT_NONE;
    c->stream->open = true;
    append(c->stream, "OK\n", 3);
}

bool stream_send(struct conn *c, int id, const void *data, size_t len)
{
    struct stream *st = c->stream;
    if (st == NULL || !st->open || st->finishing)
        return false;
    unsigned char hdr[FRAME_HEADER] = { (unsigned char)id, (unsigned char)(len >> 24),
                                        (unsigned char)(len >> 16), (unsigned char)(len >> 8),
                                        (unsigned char)len };
    return append(st, hdr, sizeof hdr) && append(st, data, len);
}

void stream_end(struct conn *c, int exit_code)
{
    uint32_t code = (uint32_t)exit_code;
    unsigned char be[4] = { (unsigned char)(code >> 24), (unsigned char)(code >> 16),
                            (unsigned char)(code >> 8), (unsigned char)code };
    stream_send(c, FRAME_EXIT, be, sizeof be);
    c->stream->finishing = true;
    c->stream->job = NULL;
}

size_t stream_backlog(const struct conn *c)
{
    return c->stream ? c->stream->outlen - c->stream->outoff : 0;
}

/* Where this connection's stdin goes: the container's pipe or pty, or the command's. */
static int stdin_target(const struct shim *s, const struct stream *st)
{
    if (!st->is_exec)
        return s->plan.tty ? s->pty_master : s->stdin_fd;
    if (st->job == NULL)
        return -1;
    return st->job->tty ? st->job->out_fd : st->job->in_fd;
}

static int pty_of(const struct shim *s, const struct stream *st)
{
    if (!st->is_exec)
        return s->pty_master;
    return st->job != NULL && st->job->tty ? st->job->out_fd : -1;
}

/* The end of this connection's stdin. A command's pipe closes; the container's closes only with
 * STDIN_ONCE (the first attach whose stdin ends takes it along). A pty stays open: its reader
 * gets end of file from the terminal's own EOF character, which the client sends as input. */
static void end_stdin(struct shim *s, struct stream *st)
{
    if (st->stdin_done)
        return;
    st->stdin_done = true;
    if (!st->want_in)
        return;
    if (st->is_exec && st->job != NULL && st->job->in_fd >= 0) {
        close(st->job->in_fd);
        st->job->in_fd = -1;
    } else if (!st->is_exec && s->plan.stdin_once && s->stdin_fd >= 0) {
        close(s->stdin_fd);
        s->stdin_fd = -1;
    }
}

void stream_forget(struct shim *s, struct conn *c)
{
    if (c->stream == NULL)
        return;
    if (!c->stream->is_exec && c->stream->open)
        end_stdin(s, c->stream);
    stream_free(c);
}

static void resize(const struct shim *s, const struct stream *st)
{
    int pty = pty_of(s, st);
    if (pty < 0)
        return;
    const unsigned char *p = st->payload;
    struct winsize ws = { .ws_col = (unsigned short)(p[0] << 8 | p[1]),
                          .ws_row = (unsigned short)(p[2] << 8 | p[3]) };
    ioctl(pty, TIOCSWINSZ, &ws);
}

/* Writes what the target takes of a stdin frame; false while some of it must wait. Input for a
 * process that closed its stdin (EPIPE, EIO) is dropped. */
static bool write_stdin(struct shim *s, struct stream *st)
{
    int fd = st->want_in && !st->stdin_done ? stdin_target(s, st) : -1;
    while (fd >= 0 && st->applied < st->paylen) {
        ssize_t n = write(fd, st->payload + st->applied, st->paylen - st->applied);
        if (n > 0) {
            st->applied += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            st->blocked = true;
            return false;
        }
        break;
    }
    st->blocked = false;
    return true;
}

/* A whole frame arrived: act on it; false when stdin must wait for its target. */
static bool apply_frame(struct shim *s, struct stream *st)
{
    int id = st->hdr[0];
    if (id == FRAME_STDIN && st->paylen == 0)
        end_stdin(s, st);
    else if (id == FRAME_STDIN && !write_stdin(s, st))
        return false;
    else if (id == FRAME_RESIZE && st->paylen == 4)
        resize(s, st);
    else if (id != FRAME_STDIN)
        st->dropped = true;
    st->hdrlen = 0;
    st->payhave = st->paylen = 0;
    st->applied = 0;
    return true;
}

static bool read_some(struct conn *c, void *into, size_t len)
{
    ssize_t n;
    do
        n = read(c->fd, into, len);
    while (n < 0 && errno == EINTR);
    if (n > 0) {
        if (c->stream->hdrlen < FRAME_HEADER)
            c->stream->hdrlen += (size_t)n;
        else
            c->stream->payhave += (uint32_t)n;
        return true;
    }
    if (n < 0 && errno == EAGAIN)
        return false;
    c->stream->dropped = true; /* end of stream or a broken connection: the client left */
    return false;
}

/* Reads frames straight into the header and payload buffers, so nothing is read that cannot be
 * applied yet: a full stdin target stops the reading, and the client's socket fills up. */
static void read_frames(struct shim *s, struct conn *c)
{
    struct stream *st = c->stream;
    for (int i = 0; i < READS_PER_WAKEUP && !st->dropped && !st->blocked; i++) {
        if (st->hdrlen < FRAME_HEADER) {
            if (!read_some(c, st->hdr + st->hdrlen, FRAME_HEADER - st->hdrlen))
                return;
            if (st->hdrlen < FRAME_HEADER)
                continue;
            st->paylen = (uint32_t)st->hdr[1] << 24 | (uint32_t)st->hdr[2] << 16 | (uint32_t)st->hdr[3] << 8
                         | st->hdr[4];
            if (st->paylen > MAX_IN_FRAME) {
                st->dropped = true;
                return;
            }
            if (st->payload == NULL && (st->payload = malloc(MAX_IN_FRAME)) == NULL) {
                st->dropped = true;
                return;
            }
        }
        if (st->payhave < st->paylen && !read_some(c, st->payload + st->payhave, st->paylen - st->payhave))
            return;
        if (st->payhave == st->paylen && !apply_frame(s, st))
            return;
    }
}

void stream_on_event(struct shim *s, struct conn *c, short revents)
{
    struct stream *st = c->stream;
    if (st->open && (revents & POLLIN) && !st->finishing)
        read_frames(s, c);
    else if (revents & (POLLHUP | POLLERR))
        st->dropped = true;
    stream_flush(s, c);
}

void stream_flush(struct shim *s, struct conn *c)
{
    struct stream *st = c->stream;
    while (!st->dropped && st->outoff < st->outlen) {
        ssize_t n = send(c->fd, st->out + st->outoff, st->outlen - st->outoff, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n < 0)
            st->dropped = true;
        else
            st->outoff += (size_t)n;
    }
    if (st->dropped || (st->finishing && st->outoff == st->outlen))
        close_conn(s, c);
}

short stream_poll_events(const struct conn *c)
{
    const struct stream *st = c->stream;
    short events = 0;
    if (st->open && !st->blocked && !st->finishing)
        events |= POLLIN;
    if (st->outoff < st->outlen || st->dropped)
        events |= POLLOUT;
    return events;
}

void stream_poll_fds(struct shim *s, void (*add)(struct shim *, int, short))
{
    for (struct conn *c = s->conns; c; c = c->next) {
        if (c->stream == NULL || !c->stream->blocked)
            continue;
        int fd = stdin_target(s, c->stream);
        if (fd >= 0)
            add(s, fd, POLLOUT);
    }
}

bool stream_on_writable(struct shim *s, int fd)
{
    bool ours = false;
    struct conn *next;
    for (struct conn *c = s->conns; c; c = next) {
        next = c->next;
        struct stream *st = c->stream;
        if (st == NULL || !st->blocked || stdin_target(s, st) != fd)
            continue;
        ours = true;
        if (apply_frame(s, st))
            read_frames(s, c);
        stream_flush(s, c);
    }
    return ours;
}

void stream_unblock_lost_targets(struct shim *s)
{
    for (struct conn *c = s->conns; c; c = c->next)
        if (c->stream != NULL && c->stream->blocked && stdin_target(s, c->stream) < 0)
            apply_frame(s, c->stream); /* nothing to write to any more: the frame is dropped */
}

void attach_request(struct shim *s, struct conn *c, char *args)
{
    int in, out, err;
    char extra;
    if (sscanf(args, "%d %d %d %c", &in, &out, &err, &extra) != 3 || (in | out | err) & ~1) {
        conn_reply(c, "ERR usage: ATTACH <stdin 0/1> <stdout 0/1> <stderr 0/1>");
        return;
    }
    if (s->state == STATE_STOPPED) {
        conn_reply(c, "ERR the container is not running");
        return;
    }
    if (in && !s->plan.stdin_pipe && !s->plan.tty) {
        conn_reply(c, "ERR the container has no stdin (its plan has neither STDIN nor TTY)");
        return;
    }
    if ((c->stream = stream_new(false, in, out, err)) == NULL) {
        conn_reply(c, "ERR out of memory");
        return;
    }
    stream_open(c);
}

void attach_broadcast(struct shim *s, int id, const char *data, size_t len)
{
    for (struct conn *c = s->conns; c; c = c->next)
        if (c->stream != NULL && !c->stream->is_exec && c->stream->want_out[id])
            stream_send(c, id, data, len);
}

void attach_end_all(struct shim *s)
{
    for (struct conn *c = s->conns; c; c = c->next)
        if (c->stream != NULL && !c->stream->is_exec && c->stream->open)
            stream_end(c, s->exit_code);
}
