/* Control requests (proto-v1) and the container's lifecycle: start, exit, exit file. */
#include "shim.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static const char *const state_names[] = { "created", "running", "stopped" };

void format_wait_reply(const struct shim *s, char *out, size_t len)
{
    snprintf(out, len, "OK %d %d %llu", s->exit_code, s->exit_signal,
             (unsigned long long)s->finished_ns);
}

static void write_exit_file(struct shim *s)
{
    char text[1200];
    int n = snprintf(text, sizeof text, "%d %d %llu\n%s%s", s->exit_code, s->exit_signal,
                     (unsigned long long)s->finished_ns, s->start_error ? s->start_error : "",
                     s->start_error ? "\n" : "");
    if (n >= (int)sizeof text)
        n = sizeof text - 1;
    if (write_file_durably(s->exit_file, text, (size_t)n, 1) < 0)
        dprintf(2, "cortado-shim %s: exit file %s: %s\n", s->id, s->exit_file, strerror(errno));
}

void on_init_exit(struct shim *s, int status)
{
    /* An exec failure is reported just before the exit: take it first, it answers START. */
    if (s->sync_fd >= 0)
        on_init_report(s);
    drain_stdio(s);
    if (s->state != STATE_RUNNING)
        s->started_ns = 0;
    s->state = STATE_STOPPED;
    s->finished_ns = realtime_ns();
    if (s->start_error != NULL) {
        s->exit_code = -1;
        s->exit_signal = 0;
    } else if (WIFSIGNALED(status)) {
        s->exit_signal = WTERMSIG(status);
        s->exit_code = 128 + s->exit_signal;
    } else {
        s->exit_code = WEXITSTATUS(status);
        s->exit_signal = 0;
    }
    write_exit_file(s);
    attach_end_all(s);
    reply_waiting(s, WAIT_START, "ERR the container exited before it started");
    char reply[96];
    format_wait_reply(s, reply, sizeof reply);
    reply_waiting(s, WAIT_EXIT, reply);
}

/* The sync socket after READY: once START released the init, EOF means execve succeeded (the
 * socket closes on exec); before that, EOF only means the init died. */
void on_init_report(struct shim *s)
{
    char msg[1100];
    int fd = -1;
    enum report r = read_report(s->sync_fd, msg, sizeof msg, &fd);
    if (r == REPORT_TTY)
        close(fd);
    if (r == REPORT_AGAIN || r == REPORT_READY || r == REPORT_TTY)
        return;
    close(s->sync_fd);
    s->sync_fd = -1;
    if (r == REPORT_ERROR) {
        s->start_error = strdup(msg);
        char reply[1200];
        snprintf(reply, sizeof reply, "ERR %s", msg);
        reply_waiting(s, WAIT_START, reply);
        return;
    }
    if (!s->start_requested)
        return;
    if (s->state == STATE_CREATED)
        s->state = STATE_RUNNING;
    reply_waiting(s, WAIT_START, "OK");
}

static void do_state(struct shim *s, struct conn *c)
{
    char reply[160], code[16] = "-", sig[16] = "-", started[24] = "-", finished[24] = "-";
    if (s->state == STATE_STOPPED) {
        snprintf(code, sizeof code, "%d", s->exit_code);
        snprintf(sig, sizeof sig, "%d", s->exit_signal);
        snprintf(finished, sizeof finished, "%llu", (unsigned long long)s->finished_ns);
    }
    if (s->started_ns != 0)
        snprintf(started, sizeof started, "%llu", (unsigned long long)s->started_ns);
    snprintf(reply, sizeof reply, "OK %s %d %s %s %s %s 0", state_names[s->state], (int)s->init_pid,
             code, sig, started, finished);
    conn_reply(c, reply);
}

static void do_start(struct shim *s, struct conn *c)
{
    /* start_error before START: the init could not be placed in its cgroups and is ending */
    if (s->state == STATE_STOPPED || (s->start_error != NULL && !s->start_requested)) {
        char reply[1200];
        snprintf(reply, sizeof reply, "ERR %s", s->start_error ? s->start_error : "the container has exited");
        conn_reply(c, reply);
        return;
    }
    if (s->start_requested) {
        conn_reply(c, "ERR the container was already started");
        return;
    }
    /* The start time is taken before the init is released, so that nothing the container writes
     * can carry an earlier timestamp than its start. */
    uint64_t release_ns = realtime_ns();
    char run = START_RUN;
    if (write_all(s->start_fd, &run, 1) < 0) {
        char reply[160];
        snprintf(reply, sizeof reply, "ERR start: %s", strerror(errno));
        conn_reply(c, reply);
        return;
    }
    close(s->start_fd);
    s->start_fd = -1;
    s->start_requested = true;
    s->started_ns = release_ns;
    c->waiting = WAIT_START;
}

static bool same_pid_ns(pid_t pid, ino_t ns)
{
    char path[48];
    struct stat st;
    snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)pid);
    return stat(path, &st) == 0 && st.st_ino == ns;
}

/* Signals every process of the container's own PID namespace, found through /proc. */
static void kill_pid_namespace(struct shim *s, int sig)
{
    char path[48];
    struct stat ns;
    snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)s->init_pid);
    if (stat(path, &ns) < 0)
        return;
    DIR *proc = opendir("/proc");
    if (proc == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(proc)) != NULL) {
        int64_t pid;
        if (parse_i64(e->d_name, &pid) == 0 && same_pid_ns((pid_t)pid, ns.st_ino))
            kill((pid_t)pid, sig);
    }
    closedir(proc);
}

static void kill_cgroups(struct shim *s, int sig)
{
    for (size_t i = 0; i < s->plan.ncgroup_procs; i++) {
        size_t len;
        char *pids = read_file(s->plan.cgroup_procs[i], 1 << 22, &len);
        if (pids == NULL)
            continue;
        for (char *line = strtok(pids, "\n"); line; line = strtok(NULL, "\n")) {
            int64_t pid;
            if (parse_i64(line, &pid) == 0 && pid > 0)
                kill((pid_t)pid, sig);
        }
        free(pids);
    }
}

static void do_kill(struct shim *s, struct conn *c, char *args)
{
    char *rest = NULL;
    char *signame = strtok_r(args, " ", &rest);
    char *scope = strtok_r(NULL, " ", &rest);
    int64_t sig;
    if (signame == NULL || parse_i64(signame, &sig) < 0 || sig <= 0 || sig >= NSIG
            || (scope != NULL && strcmp(scope, "all") != 0)) {
        conn_reply(c, "ERR usage: KILL <signal> [all]");
        return;
    }
    bool running = s->state != STATE_STOPPED;
    if (scope != NULL && s->plan.ncgroup_procs > 0)
        kill_cgroups(s, (int)sig);
    else if (scope != NULL && s->own_pid_ns && running && sig != SIGKILL)
        kill_pid_namespace(s, (int)sig);
    /* The init's pid stays ours until it is reaped, so this never hits a recycled pid. */
    if (running)
        kill(s->init_pid, (int)sig);
    conn_reply(c, "OK");
}

static void do_resize(struct shim *s, struct conn *c, char *args)
{
    unsigned rows, cols;
    if (sscanf(args, "%u %u", &rows, &cols) != 2) {
        conn_reply(c, "ERR usage: RESIZE <rows> <cols>");
        return;
    }
    if (s->pty_master < 0) {
        conn_reply(c, "ERR the container has no terminal");
        return;
    }
    struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
    if (ioctl(s->pty_master, TIOCSWINSZ, &ws) < 0) {
        char reply[128];
        snprintf(reply, sizeof reply, "ERR resize: %s", strerror(errno));
        conn_reply(c, reply);
        return;
    }
    conn_reply(c, "OK");
}

static void do_ack(struct shim *s, struct conn *c)
{
    if (s->state != STATE_STOPPED) {
        conn_reply(c, "ERR the container has not exited");
        return;
    }
    s->acked = true;
    conn_reply(c, "OK");
}

static void do_reopen(struct shim *s, struct conn *c)
{
    if (crilog_reopen(&s->log) < 0) {
        char reply[600];
        snprintf(reply, sizeof reply, "ERR reopen %s: %s", s->log_path, strerror(errno));
        conn_reply(c, reply);
        return;
    }
    conn_reply(c, "OK");
}

void handle_request(struct shim *s, struct conn *c, char *line)
{
    char *args = strchr(line, ' ');
    if (args != NULL)
        *args++ = '\0';
    else
        args = line + strlen(line);
    if (strcmp(line, "STATE") == 0) {
        do_state(s, c);
    } else if (strcmp(line, "START") == 0) {
        do_start(s, c);
    } else if (strcmp(line, "KILL") == 0) {
        do_kill(s, c, args);
    } else if (strcmp(line, "WAIT") == 0) {
        if (s->state == STATE_STOPPED) {
            char reply[96];
            format_wait_reply(s, reply, sizeof reply);
            conn_reply(c, reply);
        } else {
            c->waiting = WAIT_EXIT;
        }
    } else if (strcmp(line, "ACK") == 0) {
        do_ack(s, c);
    } else if (strcmp(line, "REOPEN") == 0) {
        do_reopen(s, c);
    } else if (strcmp(line, "RESIZE") == 0) {
        do_resize(s, c, args);
    } else if (strcmp(line, "CLOSE_STDIN") == 0) {
        if (s->stdin_fd >= 0)
            close(s->stdin_fd);
        s->stdin_fd = -1;
        conn_reply(c, "OK");
    } else if (strcmp(line, "EXEC") == 0) {
        exec_request(s, c, args);
    } else if (strcmp(line, "EXEC_STREAM") == 0) {
        exec_stream_request(s, c, args);
    } else if (strcmp(line, "ATTACH") == 0) {
        attach_request(s, c, args);
    } else {
        char reply[160];
        snprintf(reply, sizeof reply, "ERR unknown request \"%.100s\"", line);
        conn_reply(c, reply);
    }
}
