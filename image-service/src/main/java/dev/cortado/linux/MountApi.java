package dev.cortado.linux;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The new mount API (fsopen, fsconfig, fsmount, move_mount; Linux 5.2+, with overlayfs's
 * {@code lowerdir+} from 6.8): a filesystem is configured one option at a time, so an overlay
 * of any number of layers needs no single option string under a page, and the kernel explains a
 * refusal in messages it queues on the configuration descriptor.
 */
public final class MountApi {

    private static final long SYS_MOVE_MOUNT = 429;
    private static final long SYS_FSOPEN = 430;
    private static final long SYS_FSCONFIG = 431;
    private static final long SYS_FSMOUNT = 432;
    private static final int FSOPEN_CLOEXEC = 1;
    private static final int FSMOUNT_CLOEXEC = 1;
    private static final int FSCONFIG_SET_FLAG = 0;
    private static final int FSCONFIG_SET_STRING = 1;
    private static final int FSCONFIG_CMD_CREATE = 6;
    private static final int MOVE_MOUNT_F_EMPTY_PATH = 0x4;
    private static final int AT_FDCWD = -100;

    private final Namespaces calls;
    private final KernelCalls kernel;
    private final NativePaths paths = new NativePaths();

    public MountApi(Namespaces calls) {
        this.calls = calls;
        this.kernel = calls.kernel();
    }

    /** A filesystem being configured; closing it without {@link #mountAt} discards it. */
    public final class Configuration implements AutoCloseable {
        private final int fd;
        private final String fsType;

        private Configuration(int fd, String fsType) {
            this.fd = fd;
            this.fsType = fsType;
        }

        public Configuration set(String key, String value) throws ErrnoException {
            check(kernel.syscall(SYS_FSCONFIG, fd, FSCONFIG_SET_STRING, NativePaths.utf8(key),
                    value.startsWith("/") ? paths.fileName(value) : NativePaths.utf8(value), 0),
                    "fsconfig " + fsType + " " + key, value);
            return this;
        }

        public Configuration flag(String key) throws ErrnoException {
            check(kernel.syscall(SYS_FSCONFIG, fd, FSCONFIG_SET_FLAG, NativePaths.utf8(key), null, 0),
                    "fsconfig " + fsType, key);
            return this;
        }

        /** Creates the filesystem and attaches it at {@code target}. */
        public void mountAt(Path target, int attributes) throws ErrnoException {
            check(kernel.syscall(SYS_FSCONFIG, fd, FSCONFIG_CMD_CREATE, null, null, 0), "fsconfig " + fsType,
                    "create");
            long mountFd = kernel.syscall(SYS_FSMOUNT, fd, FSMOUNT_CLOEXEC, attributes);
            check(mountFd, "fsmount " + fsType, target.toString());
            try {
                check(kernel.syscall(SYS_MOVE_MOUNT, (int) mountFd, NativePaths.utf8(""), AT_FDCWD,
                        paths.path(target), MOVE_MOUNT_F_EMPTY_PATH), "move_mount " + fsType, target.toString());
            } finally {
                kernel.close((int) mountFd);
            }
        }

        @Override
        public void close() {
            kernel.close(fd);
        }

        private void check(long result, String call, String subject) throws ErrnoException {
            if (result < 0) {
                int errno = calls.runtime().getLastError();
                String kernelSays = String.join("; ", messages());
                throw new ErrnoException(call, subject, errno,
                        calls.describe(errno) + (kernelSays.isEmpty() ? "" : " (" + kernelSays + ")"));
            }
        }

        /** What the kernel queued about this configuration ("e overlay: ..." lines). */
        private List<String> messages() {
            List<String> lines = new ArrayList<>();
            byte[] buffer = new byte[1024];
            for (int i = 0; i < 16; i++) {
                long n = kernel.read(fd, buffer, buffer.length);
                if (n <= 0) {
                    break;
                }
                lines.add(new String(buffer, 0, (int) n, StandardCharsets.UTF_8).trim());
            }
            return lines;
        }
    }

    /** Starts configuring a filesystem of the given type (e.g. "overlay"). */
    public Configuration open(String fsType) throws ErrnoException {
        long fd = kernel.syscall(SYS_FSOPEN, NativePaths.utf8(fsType), FSOPEN_CLOEXEC);
        if (fd < 0) {
            int errno = calls.runtime().getLastError();
            throw new ErrnoException("fsopen", fsType, errno, calls.describe(errno));
        }
        return new Configuration((int) fd, fsType);
    }
}
