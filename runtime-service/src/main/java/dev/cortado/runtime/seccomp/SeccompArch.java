package dev.cortado.runtime.seccomp;

import java.util.Optional;

/**
 * The syscall ABIs an x86_64 kernel runs, with what a filter sees of each in
 * {@code seccomp_data}: the AUDIT_ARCH_* value in {@code arch}, and for x32 the
 * {@value #X32_SYSCALL_BIT} bit in {@code nr} (x32 shares AUDIT_ARCH_X86_64 with native code).
 */
public enum SeccompArch {
    X86_64("SCMP_ARCH_X86_64", 0xC000_003E, true, "syscalls-x86_64.txt", 0),
    X32("SCMP_ARCH_X32", 0xC000_003E, true, "syscalls-x32.txt", SeccompArch.X32_SYSCALL_BIT),
    X86("SCMP_ARCH_X86", 0x4000_0003, false, "syscalls-i386.txt", 0);

    public static final int X32_SYSCALL_BIT = 0x4000_0000;

    private final String profileName;
    private final int auditArch;
    private final boolean wideArgs;
    private final String table;
    private final int nrBit;

    SeccompArch(String profileName, int auditArch, boolean wideArgs, String table, int nrBit) {
        this.profileName = profileName;
        this.auditArch = auditArch;
        this.wideArgs = wideArgs;
        this.table = table;
        this.nrBit = nrBit;
    }

    /** The name seccomp profiles use ({@code SCMP_ARCH_X86_64}). */
    public String profileName() {
        return profileName;
    }

    public int auditArch() {
        return auditArch;
    }

    /** Whether syscall arguments are 64 bits wide (both halves compared) or 32. */
    public boolean wideArgs() {
        return wideArgs;
    }

    /** The resource listing this ABI's syscall numbers. */
    String table() {
        return table;
    }

    /** What the kernel adds to this ABI's table numbers in {@code seccomp_data.nr}. */
    int nrBit() {
        return nrBit;
    }

    /** An architecture a profile names; empty for those this node cannot run (arm64, s390x, ...). */
    public static Optional<SeccompArch> ofProfileName(String name) {
        for (SeccompArch arch : values()) {
            if (arch.profileName.equals(name)) {
                return Optional.of(arch);
            }
        }
        return Optional.empty();
    }
}
