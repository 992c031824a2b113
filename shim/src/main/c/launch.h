/* The shim's side of starting a child: namespaces, clone, cgroups, the go signal. */
#ifndef CORTADO_LAUNCH_H
#define CORTADO_LAUNCH_H

#include "child.h"

#include <stddef.h>
#include <sys/types.h>

struct launched {
    pid_t pid;    /* in the shim's PID namespace */
    int sync_fd;  /* read end of the child's reports */
    int start_fd; /* write end of go/start */
};

/* Clones the child (through a helper that joins the plan's namespaces first, when it has any),
 * puts it into the plan's cgroups, sets its oom_score_adj and tells it to go.
 * On failure returns -1 with "<step>: <message>" in err, and no child is left. */
int launch_child(const struct plan *plan, const struct child_stdio *io, bool is_exec,
                 struct launched *out, char *err, size_t errlen);

/* Reads one report from the child: 1 ready, 0 EOF (the child execed or exited), -1 an error
 * whose text is in msg, 2 nothing yet (non-blocking pipe). */
int read_report(int sync_fd, char *msg, size_t msglen);

#endif
