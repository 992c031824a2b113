package dev.cortado.runtime.oci;

import java.util.Locale;
import java.util.Optional;

/** Every Linux capability by its kernel number (include/uapi/linux/capability.h). */
public enum LinuxCapability {
    CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP, LINUX_IMMUTABLE,
    NET_BIND_SERVICE, NET_BROADCAST, NET_ADMIN, NET_RAW, IPC_LOCK, IPC_OWNER, SYS_MODULE, SYS_RAWIO,
    SYS_CHROOT, SYS_PTRACE, SYS_PACCT, SYS_ADMIN, SYS_BOOT, SYS_NICE, SYS_RESOURCE, SYS_TIME,
    SYS_TTY_CONFIG, MKNOD, LEASE, AUDIT_WRITE, AUDIT_CONTROL, SETFCAP, MAC_OVERRIDE, MAC_ADMIN, SYSLOG,
    WAKE_ALARM, BLOCK_SUSPEND, AUDIT_READ, PERFMON, BPF, CHECKPOINT_RESTORE;

    private static final LinuxCapability[] BY_NUMBER = values();

    /** The kernel's number, which is also the bit in a capability mask. */
    public int number() {
        return ordinal();
    }

    public long bit() {
        return 1L << ordinal();
    }

    /** The name config.json uses: {@code CAP_CHOWN}. */
    public String ociName() {
        return "CAP_" + name();
    }

    public static LinuxCapability ofNumber(int number) {
        if (number < 0 || number >= BY_NUMBER.length) {
            throw new IllegalArgumentException("no capability numbered " + number);
        }
        return BY_NUMBER[number];
    }

    /** The highest number in this table. */
    public static int last() {
        return BY_NUMBER.length - 1;
    }

    /** A name as CRI ("NET_ADMIN") or OCI ("CAP_NET_ADMIN") writes it, in any case. */
    public static Optional<LinuxCapability> parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.startsWith("CAP_")) {
            n = n.substring(4);
        }
        try {
            return Optional.of(valueOf(n));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
