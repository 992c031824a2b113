package dev.cortado.runtime.seccomp;

/**
 * What the kernel does with a syscall a filter matched: the value a seccomp filter returns
 * (include/uapi/linux/seccomp.h), an action in the high half and its data (an errno, a tracer's
 * message) in the low 16 bits.
 *
 * @param data the errno for {@link Kind#ERRNO}, the message for {@link Kind#TRACE}, else 0
 */
public record SeccompAction(Kind kind, int data) {

    /** EPERM: what a denied syscall answers unless a profile says otherwise (as runc does). */
    public static final int EPERM = 1;

    public static final SeccompAction ALLOW = new SeccompAction(Kind.ALLOW, 0);
    public static final SeccompAction KILL_PROCESS = new SeccompAction(Kind.KILL_PROCESS, 0);

    public enum Kind {
        KILL_PROCESS(0x8000_0000),
        KILL_THREAD(0x0000_0000),
        TRAP(0x0003_0000),
        ERRNO(0x0005_0000),
        TRACE(0x7ff0_0000),
        LOG(0x7ffc_0000),
        ALLOW(0x7fff_0000);

        private final int base;

        Kind(int base) {
            this.base = base;
        }
    }

    public SeccompAction {
        if (data < 0 || data > 0xffff) {
            throw new IllegalArgumentException("action data " + data + " does not fit in 16 bits");
        }
    }

    public static SeccompAction errno(int errno) {
        return new SeccompAction(Kind.ERRNO, errno);
    }

    /** The filter's return value. */
    public int ret() {
        return kind.base | data;
    }
}
