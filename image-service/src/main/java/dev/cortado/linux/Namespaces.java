package dev.cortado.linux;

import java.nio.file.Path;
import jnr.ffi.LibraryLoader;

/**
 * Namespace calls for the calling thread: {@code unshare} and {@code setns} act on the thread
 * that makes them, so callers run them on a dedicated platform thread (never a pooled one) whose
 * namespaces they pin or give back before it ends. Also the few things done inside a fresh
 * namespace: the host name, and bringing the loopback interface up.
 */
public final class Namespaces {

    public static final int CLONE_NEWNS = 0x00020000;
    public static final int CLONE_NEWCGROUP = 0x02000000;
    public static final int CLONE_NEWUTS = 0x04000000;
    public static final int CLONE_NEWIPC = 0x08000000;
    public static final int CLONE_NEWPID = 0x20000000;
    public static final int CLONE_NEWNET = 0x40000000;

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 02000000;
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final int IFF_UP = 0x1;
    private static final int IFREQ_SIZE = 40;

    private final KernelCalls kernel;
    private final jnr.ffi.Runtime runtime;
    private final NativePaths paths = new NativePaths();

    public Namespaces() {
        this.kernel = LibraryLoader.create(KernelCalls.class).load("c");
        this.runtime = jnr.ffi.Runtime.getRuntime(kernel);
    }

    KernelCalls kernel() {
        return kernel;
    }

    /** Moves the calling thread into new namespaces of the given CLONE_NEW* kinds. */
    public void unshare(int flags) throws ErrnoException {
        check(kernel.unshare(flags), "unshare", "flags 0x" + Integer.toHexString(flags));
    }

    /** Moves the calling thread into the namespace the file (e.g. /proc/1/ns/net) refers to. */
    public void setns(Path namespaceFile, int type) throws ErrnoException {
        int fd = kernel.open(paths.path(namespaceFile), O_RDONLY | O_CLOEXEC);
        check(fd, "open", namespaceFile.toString());
        try {
            check(kernel.setns(fd, type), "setns", namespaceFile.toString());
        } finally {
            kernel.close(fd);
        }
    }

    /** The kernel's id of the calling thread, for /proc/self/task/<tid>/ns/*. */
    public int threadId() {
        return kernel.gettid();
    }

    /** Sets the host name of the calling thread's UTS namespace. */
    public void setHostname(String hostname) throws ErrnoException {
        byte[] name = NativePaths.utf8(hostname);
        check(kernel.sethostname(name, name.length - 1), "sethostname", hostname);
    }

    /** Brings the loopback interface of the calling thread's network namespace up. */
    public void loopbackUp() throws ErrnoException {
        int fd = kernel.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        check(fd, "socket", "AF_INET");
        try {
            byte[] request = new byte[IFREQ_SIZE];
            request[0] = 'l';
            request[1] = 'o';
            check(kernel.ioctl(fd, SIOCGIFFLAGS, request), "ioctl SIOCGIFFLAGS", "lo");
            int flags = (request[16] & 0xff) | (request[17] & 0xff) << 8;
            flags |= IFF_UP;
            request[16] = (byte) flags;
            request[17] = (byte) (flags >> 8);
            check(kernel.ioctl(fd, SIOCSIFFLAGS, request), "ioctl SIOCSIFFLAGS", "lo");
        } finally {
            kernel.close(fd);
        }
    }

    /** Sends a signal to a process; false when it no longer exists. */
    public boolean kill(int pid, int signal) throws ErrnoException {
        if (kernel.kill(pid, signal) == 0) {
            return true;
        }
        int errno = runtime.getLastError();
        if (errno == Errno.ESRCH) {
            return false;
        }
        throw new ErrnoException("kill", Integer.toString(pid), errno, describe(errno));
    }

    private void check(long result, String call, String subject) throws ErrnoException {
        if (result < 0) {
            int errno = runtime.getLastError();
            throw new ErrnoException(call, subject, errno, describe(errno));
        }
    }

    String describe(int errno) {
        String text = kernel.strerror(errno);
        return text == null ? "errno " + errno : text;
    }

    jnr.ffi.Runtime runtime() {
        return runtime;
    }
}
