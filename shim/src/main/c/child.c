#include "child.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

_Noreturn void child_fail(const struct child_ctx *ctx, const char *step, const char *detail)
{
    const char *why = strerror(errno);
    char msg[1024];
    int n = snprintf(msg, sizeof msg, "%c%s%s%s: %s", SYNC_ERROR, step, detail ? " " : "",
                     detail ? detail : "", why);
    if (n >= (int)sizeof msg)
        n = sizeof msg - 1;
    write_all(ctx->sync_fd, msg, (size_t)n);
    _exit(1);
}

/* The clone inherits the shim's blocked signals (for its signalfd) and ignored SIGPIPE. */
static void reset_signals(void)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    for (int sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Blocks on the start pipe; EOF means the shim is gone, so the child ends quietly. */
static void await(const struct child_ctx *ctx, char expected)
{
    char b;
    ssize_t n;
    do
        n = read(ctx->start_fd, &b, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1 || b != expected)
        _exit(1);
}

static void setup_stdio(const struct child_ctx *ctx)
{
    const struct child_stdio *io = &ctx->io;
    int fds[3] = { io->in, io->out, io->err };
    for (int fd = 0; fd < 3; fd++)
        if (fds[fd] >= 0 && dup2(fds[fd], fd) < 0)
            child_fail(ctx, "dup2 stdio", NULL);
}

/* The pty comes from the container's own devpts (its /dev/ptmx), so ttyname() works inside; the
 * slave becomes fds 0-2 and the controlling terminal, the master goes to the shim. */
static void open_console(const struct child_ctx *ctx)
{
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    char name[64];
    if (master < 0 || unlockpt(master) < 0 || ptsname_r(master, name, sizeof name) != 0)
        child_fail(ctx, "open pty", "/dev/ptmx");
    int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0)
        child_fail(ctx, "open pty", name);
    if (ctx->plan->has_user && fchown(slave, ctx->plan->uid, (gid_t)-1) < 0)
        child_fail(ctx, "chown", name);
    if (ioctl(slave, TIOCSCTTY, 0) < 0)
        child_fail(ctx, "set controlling terminal", name);
    for (int fd = 0; fd < 3; fd++)
        if (dup2(slave, fd) < 0)
            child_fail(ctx, "dup2", name);
    close(slave);
    char tag = SYNC_TTY;
    struct iovec iov = { &tag, 1 };
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control = { 0 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                          .msg_controllen = sizeof control.buf };
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &master, sizeof master);
    if (sendmsg(ctx->sync_fd, &msg, 0) < 0)
        child_fail(ctx, "send pty", NULL);
    close(master);
}

static void set_rlimits(const struct child_ctx *ctx)
{
    const struct plan *p = ctx->plan;
    for (size_t i = 0; i < p->nrlimits; i++) {
        struct rlimit rl = { p->rlimits[i].soft, p->rlimits[i].hard };
        if (setrlimit((int)p->rlimits[i].resource, &rl) < 0) {
            char which[16];
            snprintf(which, sizeof which, "%u", p->rlimits[i].resource);
            child_fail(ctx, "setrlimit", which);
        }
    }
}

/* mkdir -p of the working directory; directories it creates belong to the container's user. */
static void enter_cwd(const struct child_ctx *ctx)
{
    const struct plan *p = ctx->plan;
    const char *cwd = p->cwd ? p->cwd : "/";
    if (chdir(cwd) == 0)
        return;
    if (errno != ENOENT || cwd[0] != '/')
        child_fail(ctx, "chdir", cwd);
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s", cwd) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        child_fail(ctx, "chdir", cwd);
    }
    for (char *s = path + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char saved = *s;
        *s = '\0';
        if (mkdir(path, 0755) == 0) {
            if (p->has_user && chown(path, p->uid, p->gid) < 0)
                child_fail(ctx, "chown", path);
        } else if (errno != EEXIST) {
            child_fail(ctx, "mkdir", path);
        }
        *s = saved;
        if (saved == '\0')
            break;
    }
    if (chdir(cwd) < 0)
        child_fail(ctx, "chdir", cwd);
}

/* Leaves 0-2 and the two sync pipes (they close themselves on exec). The pod init closes them
 * too: it never execs, and a shim fd it kept would hide EOF from the shim. */
static void close_stray_fds(const struct child_ctx *ctx)
{
    int lo = ctx->sync_fd < ctx->start_fd ? ctx->sync_fd : ctx->start_fd;
    int hi = ctx->sync_fd < ctx->start_fd ? ctx->start_fd : ctx->sync_fd;
    close_range(3, (unsigned)lo - 1, 0);
    if (hi > lo + 1)
        close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
    close_range((unsigned)hi + 1, ~0u, 0);
}

static const char *env_path(char **env)
{
    for (char **e = env; *e != NULL; e++)
        if (strncmp(*e, "PATH=", 5) == 0)
            return *e + 5;
    return DEFAULT_PATH;
}

/* execve, searching the plan's PATH (not the shim's) when argv[0] has no slash. */
static _Noreturn void exec_command(const struct child_ctx *ctx)
{
    char **argv = ctx->plan->args, **env = ctx->plan->env;
    const char *file = argv[0];
    if (strchr(file, '/') != NULL || *file == '\0') {
        execve(file, argv, env);
        child_fail(ctx, "exec", file);
    }
    bool denied = false;
    const char *dir = env_path(env);
    for (;;) {
        const char *end = strchrnul(dir, ':');
        char candidate[PATH_MAX];
        int n = end == dir ? snprintf(candidate, sizeof candidate, "%s", file)
                           : snprintf(candidate, sizeof candidate, "%.*s/%s", (int)(end - dir), dir, file);
        if (n < (int)sizeof candidate) {
            execve(candidate, argv, env);
            if (errno == EACCES)
                denied = true;
            else if (errno != ENOENT && errno != ENOTDIR && errno != ESTALE && errno != ENODEV)
                child_fail(ctx, "exec", file);
        }
        if (*end == '\0')
            break;
        dir = end + 1;
    }
    errno = denied ? EACCES : ENOENT;
    child_fail(ctx, "exec", file);
}

/* The pod init: pid 1 of the pod's PID namespace, reaping orphans until told to stop. */
static _Noreturn void pause_forever(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    for (;;) {
        int sig = sigwaitinfo(&set, NULL);
        if (sig == SIGTERM || sig == SIGINT)
            _exit(0);
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
    }
}

_Noreturn void child_main(const struct child_ctx *ctx)
{
    const struct plan *p = ctx->plan;
    reset_signals();
    umask(022);
    if (setsid() < 0)
        child_fail(ctx, "setsid", NULL);
    setup_stdio(ctx);
    if (p->rootfs != NULL)
        setup_filesystem(ctx);
    else
        apply_sysctls(ctx);
    if (p->tty)
        open_console(ctx);
    if (p->hostname != NULL && sethostname(p->hostname, strlen(p->hostname)) < 0)
        child_fail(ctx, "sethostname", p->hostname);
    set_rlimits(ctx);
    enter_cwd(ctx);
    close_stray_fds(ctx);
    /* Without no_new_privs the kernel only accepts a filter from a task with CAP_SYS_ADMIN, so
     * it is loaded while the child still has it (the filter must then allow the drop). */
    if (!p->no_new_privs)
        load_seccomp(ctx);
    drop_privileges(ctx);
    if (p->no_new_privs) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
            child_fail(ctx, "no_new_privs", NULL);
        load_seccomp(ctx);
    }
    /* The shim places the child in its cgroups while it sets itself up: a cgroup.procs write can
     * wait for an RCU grace period (several milliseconds). An exec child reports ready only once
     * placed; the init reports ready at once and the shim places it after answering READY, while
     * the daemon finishes CreateContainer, so that the wait is off the create path. Either way
     * nothing runs before go. */
    char ready = SYNC_READY;
    if (!ctx->placed_after_ready)
        await(ctx, START_GO);
    if (write_all(ctx->sync_fd, &ready, 1) < 0)
        _exit(1);
    if (ctx->placed_after_ready)
        await(ctx, START_GO);
    await(ctx, START_RUN);
    if (p->pause) {
        close(ctx->sync_fd);
        close(ctx->start_fd);
        pause_forever();
    }
    exec_command(ctx);
}
