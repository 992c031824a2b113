/* The cloned side: the container init and exec children (PROTOCOL.md section 2, "Init's order"). */
#ifndef CORTADO_CHILD_H
#define CORTADO_CHILD_H

#include "plan.h"

#include <stdbool.h>

/* Messages on the sync socket (SOCK_SEQPACKET, so each is one record), child to shim. */
#define SYNC_READY 'R'
#define SYNC_ERROR 'E' /* followed by "<step>: <strerror>" */
#define SYNC_TTY 'T'   /* carries the pty master (SCM_RIGHTS) */
/* Bytes on the start pipe, shim to child. */
#define START_GO 'g'
#define START_RUN 's'

/* The stdio a child gets: fds to dup onto 0/1/2 (-1 keeps the shim's /dev/null). With a tty the
 * child opens the pty itself, inside its own root, and sends the master back. */
struct child_stdio {
    int in, out, err;
};

struct child_ctx {
    const struct plan *plan;
    struct child_stdio io;
    int sync_fd;  /* the child's end of the sync socket */
    int start_fd; /* read end */
    bool is_exec;
    bool placed_after_ready; /* go comes after READY (the init), not before it (exec children) */
};

/* Runs in the clone: sets up, then waits for go and reports ready (in the order placed_after_ready
 * says), waits for start, execs. */
_Noreturn void child_main(const struct child_ctx *ctx);

/* Reports "<step>[ <detail>]: <strerror(errno)>" to the shim and exits 1. */
_Noreturn void child_fail(const struct child_ctx *ctx, const char *step, const char *detail);

/* Filesystem work of the init: mounts, devices, sysctls, masks, pivot (mounts.c). */
void setup_filesystem(const struct child_ctx *ctx);
void apply_sysctls(const struct child_ctx *ctx);

/* Groups, ids, capabilities, no_new_privs and seccomp (privs.c). */
void drop_privileges(const struct child_ctx *ctx);
void load_seccomp(const struct child_ctx *ctx);

#endif
