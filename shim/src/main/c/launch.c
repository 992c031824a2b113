#include "launch.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* fork-like clone: the child continues on a copy of this stack, in new namespaces. */
static pid_t clone_into(unsigned long namespaces)
{
    return (pid_t)syscall(SYS_clone, namespaces | SIGCHLD, NULL, NULL, NULL, 0);
}

static void describe(char *err, size_t errlen, const char *step, const char *detail)
{
    snprintf(err, errlen, "%s%s%s: %s", step, detail ? " " : "", detail ? detail : "", strerror(errno));
}

/* The helper joins the namespaces (a PID namespace applies only to its children), clones the
 * child and reports "P<pid>" or "E<step>: <message>" on report_fd before it exits. */
static _Noreturn void run_helper(const struct child_ctx *ctx, const int *nsfds, int report_fd)
{
    const struct plan *p = ctx->plan;
    char msg[600];
    int n;
    for (size_t i = 0; i < p->njoins; i++) {
        if (setns(nsfds[i], (int)p->joins[i].type) < 0) {
            n = snprintf(msg, sizeof msg, "Esetns %s: %s", p->joins[i].path, strerror(errno));
            goto report;
        }
    }
    pid_t pid = clone_into(p->new_namespaces);
    if (pid == 0) {
        close(report_fd);
        for (size_t i = 0; i < p->njoins; i++)
            close(nsfds[i]);
        child_main(ctx);
    }
    if (pid < 0)
        n = snprintf(msg, sizeof msg, "Eclone: %s", strerror(errno));
    else
        n = snprintf(msg, sizeof msg, "P%d", (int)pid);
report:
    write_all(report_fd, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
    _exit(0);
}

static pid_t clone_via_helper(const struct child_ctx *ctx, char *err, size_t errlen)
{
    const struct plan *p = ctx->plan;
    pid_t result = -1;
    int *nsfds = calloc(p->njoins + 1, sizeof *nsfds);
    int report[2] = { -1, -1 };
    size_t opened = 0;
    if (nsfds == NULL) {
        describe(err, errlen, "clone", NULL);
        return -1;
    }
    for (; opened < p->njoins; opened++) {
        nsfds[opened] = open(p->joins[opened].path, O_RDONLY | O_CLOEXEC);
        if (nsfds[opened] < 0) {
            describe(err, errlen, "open namespace", p->joins[opened].path);
            goto out;
        }
    }
    if (pipe2(report, O_CLOEXEC) < 0) {
        describe(err, errlen, "pipe", NULL);
        goto out;
    }
    pid_t helper = fork();
    if (helper < 0) {
        describe(err, errlen, "fork", NULL);
        goto out;
    }
    if (helper == 0) {
        close(report[0]);
        run_helper(ctx, nsfds, report[1]);
    }
    close(report[1]);
    report[1] = -1;
    char msg[600];
    ssize_t n, got = 0;
    while ((n = read(report[0], msg + got, sizeof msg - 1 - (size_t)got)) > 0 || (n < 0 && errno == EINTR))
        got += n > 0 ? n : 0;
    msg[got] = '\0';
    while (waitpid(helper, NULL, 0) < 0 && errno == EINTR)
        ;
    if (msg[0] == 'P') {
        result = (pid_t)atoi(msg + 1);
    } else if (msg[0] == 'E') {
        snprintf(err, errlen, "%s", msg + 1);
    } else {
        snprintf(err, errlen, "clone: the namespace helper died without a report");
    }
out:
    for (size_t i = 0; i < opened; i++)
        close(nsfds[i]);
    free(nsfds);
    if (report[0] >= 0)
        close(report[0]);
    if (report[1] >= 0)
        close(report[1]);
    return result;
}

static int place(const struct plan *p, pid_t pid, char *err, size_t errlen)
{
    char num[24];
    snprintf(num, sizeof num, "%d", (int)pid);
    for (size_t i = 0; i < p->ncgroup_procs; i++) {
        if (write_to_file(p->cgroup_procs[i], num) < 0) {
            describe(err, errlen, "cgroup", p->cgroup_procs[i]);
            return -1;
        }
    }
    if (p->has_oom_score_adj) {
        char path[64], value[24];
        snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int)pid);
        snprintf(value, sizeof value, "%d", (int)p->oom_score_adj);
        if (write_to_file(path, value) < 0) {
            describe(err, errlen, "oom_score_adj", NULL);
            return -1;
        }
    }
    return 0;
}

int launch_place(const struct plan *p, const struct launched *child, char *err, size_t errlen)
{
    char go = START_GO;
    if (place(p, child->pid, err, errlen) < 0)
        return -1;
    if (write_all(child->start_fd, &go, 1) < 0) {
        describe(err, errlen, "start", NULL);
        return -1;
    }
    return 0;
}

int launch_child(const struct plan *p, const struct child_stdio *io, bool is_exec, bool place_later,
                 struct launched *out, char *err, size_t errlen)
{
    int syncp[2], startp[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, syncp) < 0) {
        describe(err, errlen, "socketpair", NULL);
        return -1;
    }
    if (pipe2(startp, O_CLOEXEC) < 0) {
        describe(err, errlen, "pipe", NULL);
        close(syncp[0]);
        close(syncp[1]);
        return -1;
    }
    struct child_ctx ctx = { p, *io, syncp[1], startp[0], is_exec, place_later };
    /* The child keeps one end; the shim closes it below so EOF means the child is gone or execed. */
    pid_t pid;
    if (p->njoins > 0) {
        pid = clone_via_helper(&ctx, err, errlen);
    } else {
        pid = clone_into(p->new_namespaces);
        if (pid == 0) {
            close(syncp[0]);
            close(startp[1]);
            child_main(&ctx);
        }
        if (pid < 0)
            describe(err, errlen, "clone", NULL);
    }
    close(syncp[1]);
    close(startp[0]);
    struct launched child = { pid, syncp[0], startp[1] };
    if (pid > 0 && (place_later || launch_place(p, &child, err, errlen) == 0)) {
        *out = child;
        return 0;
    }
    if (pid > 0) {
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        /* The child sets itself up while it is placed: when it failed first, its own report
         * (still queued on the socket, which cannot block now that every writer is gone) is the
         * real reason, not the placement or "go" that failed because it was gone. */
        char msg[1100];
        for (;;) {
            int passed = -1;
            enum report r = read_report(syncp[0], msg, sizeof msg, &passed);
            if (passed >= 0)
                close(passed);
            if (r == REPORT_ERROR)
                snprintf(err, errlen, "%s", msg);
            if (r != REPORT_TTY && r != REPORT_READY)
                break;
        }
    }
    close(syncp[0]);
    close(startp[1]);
    return -1;
}

enum report read_report(int sync_fd, char *msg, size_t msglen, int *fd)
{
    char buf[1100];
    struct iovec iov = { buf, sizeof buf - 1 };
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                        .msg_controllen = sizeof control.buf };
    ssize_t n;
    do
        n = recvmsg(sync_fd, &m, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN)
        return REPORT_AGAIN;
    if (n <= 0)
        return REPORT_EOF;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    int passed = -1;
    if (c != NULL && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
        memcpy(&passed, CMSG_DATA(c), sizeof passed);
    if (buf[0] == SYNC_TTY && passed >= 0) {
        *fd = passed;
        return REPORT_TTY;
    }
    if (passed >= 0)
        close(passed);
    if (buf[0] == SYNC_READY)
        return REPORT_READY;
    buf[n] = '\0';
    snprintf(msg, msglen, "%s", buf[0] == SYNC_ERROR ? buf + 1 : buf);
    return REPORT_ERROR;
}
