/* cortado-shim: command line and the create sequence (PROTOCOL.md section 1). */
#include "shim.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define READY_FD 1

static void usage(void)
{
    write_str(2, "usage: cortado-shim create --id ID --bundle DIR --plan FILE --socket PATH "
                 "--log PATH|- --exit-file PATH\n       cortado-shim --version\n");
}

/* The one line the daemon reads, then the pipe is closed. */
static void answer(const char *line)
{
    write_str(READY_FD, line);
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (devnull >= 0) {
        dup2(devnull, READY_FD);
        close(devnull);
    }
}

static _Noreturn void fail_create(struct shim *s, const char *what)
{
    char line[1200];
    snprintf(line, sizeof line, "ERROR %s\n", what);
    if (s->init_pid > 0) {
        kill(s->init_pid, SIGKILL);
        while (waitpid(s->init_pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    if (s->listen_fd >= 0)
        unlink(s->socket_path);
    answer(line);
    _exit(1);
}

static _Noreturn void fail_errno(struct shim *s, const char *step, const char *detail)
{
    char what[1100];
    snprintf(what, sizeof what, "%s%s%s: %s", step, detail ? " " : "", detail ? detail : "",
             strerror(errno));
    fail_create(s, what);
}

static void open_socket(struct shim *s)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(s->socket_path) >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        fail_errno(s, "socket", s->socket_path);
    }
    strcpy(addr.sun_path, s->socket_path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        fail_errno(s, "socket", s->socket_path);
    unlink(s->socket_path);
    mode_t old = umask(0177);
    int rc = bind(fd, (struct sockaddr *)&addr, sizeof addr);
    umask(old);
    if (rc < 0 || listen(fd, 16) < 0)
        fail_errno(s, "socket", s->socket_path);
    s->listen_fd = fd;
}

/* Pipes for the container's stdio (a tty comes from the init later); returns the ends the init
 * gets in io. */
static void open_stdio(struct shim *s, struct child_stdio *io)
{
    *io = (struct child_stdio){ -1, -1, -1 };
    if (!s->plan.tty) {
        for (int i = 0; i < 2; i++) {
            int p[2];
            if (pipe2(p, O_CLOEXEC) < 0)
                fail_errno(s, "pipe", NULL);
            set_nonblock(p[0]);
            s->stdio_fd[i] = p[0];
            if (i == 0)
                io->out = p[1];
            else
                io->err = p[1];
        }
    }
    if (s->plan.stdin_pipe && !s->plan.tty) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
            fail_errno(s, "pipe", NULL);
        io->in = p[0];
        /* attach writes stdin from the event loop: a full pipe must not block the shim */
        set_nonblock(p[1]);
        s->stdin_fd = p[1];
    }
}

static void block_signals(struct shim *s)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    s->signal_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (s->signal_fd < 0)
        fail_errno(s, "signalfd", NULL);
}

static void write_pid_file(struct shim *s)
{
    char path[PATH_MAX], pid[24];
    snprintf(path, sizeof path, "%s/shim.pid", s->bundle);
    int n = snprintf(pid, sizeof pid, "%d", (int)getpid());
    if (write_file_durably(path, pid, (size_t)n, 0) < 0)
        fail_errno(s, "pid file", path);
}

/* Blocks until the init stands at the start barrier; a tty's master arrives on the way. */
static void await_ready(struct shim *s)
{
    char msg[1100];
    for (;;) {
        int fd = -1;
        enum report r = read_report(s->sync_fd, msg, sizeof msg, &fd);
        if (r == REPORT_READY)
            break;
        if (r == REPORT_ERROR)
            fail_create(s, msg);
        if (r != REPORT_TTY)
            fail_create(s, "init: exited during setup");
        set_nonblock(fd);
        s->stdio_fd[0] = s->pty_master = fd;
    }
    set_nonblock(s->sync_fd);
}

static bool joins_mount_ns(const struct plan *p)
{
    for (size_t i = 0; i < p->njoins; i++)
        if (p->joins[i].type == CLONE_NEWNS)
            return true;
    return false;
}

/* The detached shim: everything up to the READY line. */
static void create(struct shim *s, const char *plan_path)
{
    setsid();
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    if (chdir("/") < 0)
        fail_errno(s, "chdir", "/");
    char diag[PATH_MAX];
    snprintf(diag, sizeof diag, "%s/shim.log", s->bundle);
    int devnull = open("/dev/null", O_RDWR);
    int log = open(diag, O_WRONLY | O_APPEND | O_CREAT, 0640);
    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(log >= 0 ? log : devnull, 2) < 0)
        fail_errno(s, "stdio", NULL);
    close(devnull);
    if (log >= 0)
        close(log);
    char err[1024];
    if (plan_load(plan_path, &s->plan, err, sizeof err) < 0) {
        char what[1100];
        snprintf(what, sizeof what, "plan: %s", err);
        fail_create(s, what);
    }
    if (s->plan.rootfs != NULL && !(s->plan.new_namespaces & CLONE_NEWNS) && !joins_mount_ns(&s->plan))
        fail_create(s, "plan: ROOTFS needs a new mount namespace");
    s->own_pid_ns = (s->plan.new_namespaces & CLONE_NEWPID) != 0;
    block_signals(s);
    open_socket(s);
    if (crilog_open(&s->log, s->log_path, s->plan.log_max_line) < 0)
        fail_errno(s, "log", s->log_path);
    struct child_stdio io;
    open_stdio(s, &io);
    struct launched init;
    if (launch_child(&s->plan, &io, false, true, &init, err, sizeof err) < 0)
        fail_create(s, err);
    s->init_pid = init.pid;
    s->sync_fd = init.sync_fd;
    s->start_fd = init.start_fd;
    int child_ends[3] = { io.in, io.out, io.err };
    for (int i = 0; i < 3; i++)
        if (child_ends[i] >= 0)
            close(child_ends[i]);
    await_ready(s);
    write_pid_file(s);
    char ready[64];
    snprintf(ready, sizeof ready, "READY %d %d\n", (int)getpid(), (int)s->init_pid);
    answer(ready);
    /* START is read only after this, so the init runs only once it is in its cgroups. A failure
     * ends the init; its exit carries the reason, which START and the exit file report. */
    if (launch_place(&s->plan, &init, err, sizeof err) < 0) {
        dprintf(2, "cortado-shim %s: %s\n", s->id, err);
        s->start_error = strdup(err);
        kill(s->init_pid, SIGKILL);
    }
}

static int cmd_create(int argc, char **argv)
{
    struct shim s = {
        .listen_fd = -1, .signal_fd = -1, .devnull_fd = -1, .stdio_fd = { -1, -1 },
        .pty_master = -1, .stdin_fd = -1, .sync_fd = -1, .start_fd = -1,
    };
    const char *plan_path = NULL;
    for (int i = 2; i + 1 < argc; i += 2) {
        const char *opt = argv[i], *val = argv[i + 1];
        if (strcmp(opt, "--id") == 0) s.id = val;
        else if (strcmp(opt, "--bundle") == 0) s.bundle = val;
        else if (strcmp(opt, "--plan") == 0) plan_path = val;
        else if (strcmp(opt, "--socket") == 0) s.socket_path = val;
        else if (strcmp(opt, "--log") == 0) s.log_path = strcmp(val, "-") == 0 ? NULL : val;
        else if (strcmp(opt, "--exit-file") == 0) s.exit_file = val;
        else {
            usage();
            return 2;
        }
    }
    if (argc % 2 != 0 || !s.id || !s.bundle || !plan_path || !s.socket_path || !s.exit_file) {
        usage();
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        dprintf(READY_FD, "ERROR fork: %s\n", strerror(errno));
        return 1;
    }
    if (pid > 0)
        return 0;
    create(&s, plan_path);
    int rc = shim_loop(&s);
    crilog_close(&s.log);
    unlink(s.socket_path);
    shim_release(&s);
    return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        write_str(1, "cortado-shim " SHIM_VERSION " plan-v1 proto-v1\n");
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "create") == 0)
        return cmd_create(argc, argv);
    usage();
    return 2;
}
