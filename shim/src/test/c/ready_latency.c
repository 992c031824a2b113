/* Times `cortado-shim create ...` from posix_spawn to its READY line, as a daemon sees it:
 * ready_latency <shim> create <args...>; prints "<ms> <the line>". */
#include <spawn.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    int p[2];
    if (pipe(p) < 0)
        return 1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    posix_spawn_file_actions_addclose(&fa, p[1]);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pid_t pid;
    if (posix_spawn(&pid, argv[1], &fa, NULL, argv + 1, environ) != 0)
        return 1;
    close(p[1]);
    char line[256];
    size_t n = 0;
    while (n < sizeof line - 1) {
        ssize_t r = read(p[0], line + n, 1);
        if (r <= 0 || line[n++] == '\n')
            break;
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    line[n] = '\0';
    waitpid(pid, NULL, 0);
    printf("%.3f %s", (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6, line);
    return 0;
}
