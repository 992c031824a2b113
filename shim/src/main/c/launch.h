/* The shim's side of starting a child: namespaces, clone, cgroups, the go signal. */
#ifndef CORTADO_LAUNCH_H
#define CORTADO_LAUNCH_H

#include "child.h"

#include <stddef.h>
#include <sys/types.h>

struct launched {
    pid_t pid;    /* in the shim's PID namespace */
    int sync_fd;  /* the shim's end of the sync socket: the child's reports */
    int start_fd; /* write end of go/start */
};

/* Clones the child (through a helper that joins the plan's namespaces first, when it has any),
 * puts it into the plan's cgroups, sets its oom_score_adj and tells it to go. With place_later
 * (the init) the last three are left to launch_place, which the caller runs after READY.
 * On failure returns -1 with "<step>: <message>" in err, and no child is left. */
int launch_child(const struct plan *plan, const struct child_stdio *io, bool is_exec, bool place_later,
                 struct launched *out, char *err, size_t errlen);

/* For a child launched with place_later: cgroups, oom_score_adj, go. On failure returns -1 with
 * "<step>: <message>" in err; the child then still waits for go. */
int launch_place(const struct plan *plan, const struct launched *child, char *err, size_t errlen);

enum report {
    REPORT_AGAIN, /* nothing yet (non-blocking socket) */
    REPORT_EOF,   /* the child execed (the socket closes on exec) or exited */
    REPORT_READY, /* at the start barrier */
    REPORT_TTY,   /* the pty master, in *fd */
    REPORT_ERROR, /* "<step>: <message>" in msg */
};

/* Reads one report from the child. */
enum report read_report(int sync_fd, char *msg, size_t msglen, int *fd);

#endif
