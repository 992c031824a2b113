/*
 * A pod sandbox's placeholder process, for runtimes that keep a pod's namespaces alive with one
 * (containerd's sandbox_image). It does nothing until told to stop: SIGTERM or SIGINT end it with
 * status 0, so a runtime's graceful stop is as fast as its kill. As PID 1 of a shared PID
 * namespace it must also reap orphans, or they would stay zombies for the pod's lifetime.
 * Built static (gcc -static) so that the image needs no libc and no other file.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int signo)
{
    (void)signo;
    _exit(0);
}

static void reap(int signo)
{
    int saved = errno;
    (void)signo;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    errno = saved;
}

static int handle(int signo, void (*handler)(int))
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    return sigaction(signo, &action, NULL);
}

int main(void)
{
    if (handle(SIGTERM, stop) != 0 || handle(SIGINT, stop) != 0 || handle(SIGCHLD, reap) != 0) {
        static const char message[] = "pause: cannot install signal handlers\n";
        (void)!write(2, message, sizeof message - 1);
        return 1;
    }
    for (;;) {
        pause();
    }
}
