package dev.cortado.runtime.seccomp;

import java.util.OptionalInt;

/**
 * What a profile means, evaluated directly on a syscall without BPF: the yardstick the compiled
 * program is held against.
 */
final class ProfileReference {

    private final SeccompProfile profile;
    private final SyscallTable table;

    ProfileReference(SeccompProfile profile, SyscallTable table) {
        this.profile = profile;
        this.table = table;
    }

    int verdict(int auditArch, int nr, long... args) {
        SeccompArch arch = archOf(auditArch, nr);
        if (arch == null || !profile.arches().contains(arch)) {
            return SeccompAction.KILL_PROCESS.ret();
        }
        SeccompAction unconditional = null;
        for (SyscallRule rule : profile.rules()) {
            if (!names(rule, arch, nr)) {
                continue;
            }
            if (rule.conditions().isEmpty()) {
                if (unconditional == null) {
                    unconditional = rule.action();
                }
            } else if (rule.conditions().stream().allMatch(c -> holds(c, arch, args))) {
                return rule.action().ret();
            }
        }
        return (unconditional != null ? unconditional : profile.defaultAction()).ret();
    }

    private boolean names(SyscallRule rule, SeccompArch arch, int nr) {
        for (String name : rule.names()) {
            OptionalInt number = table.number(arch, name);
            if (number.isPresent() && number.getAsInt() == nr) {
                return true;
            }
        }
        return false;
    }

    private static SeccompArch archOf(int auditArch, int nr) {
        if (auditArch == SeccompArch.X86.auditArch()) {
            return SeccompArch.X86;
        }
        if (auditArch == SeccompArch.X86_64.auditArch()) {
            return (nr & SeccompArch.X32_SYSCALL_BIT) != 0 ? SeccompArch.X32 : SeccompArch.X86_64;
        }
        return null;
    }

    private static boolean holds(ArgCondition c, SeccompArch arch, long[] args) {
        long mask = arch.wideArgs() ? -1L : 0xffff_ffffL;
        long arg = (c.index() < args.length ? args[c.index()] : 0) & mask;
        long value = c.value() & mask;
        int cmp = Long.compareUnsigned(arg, value);
        return switch (c.op()) {
            case EQ -> cmp == 0;
            case NE -> cmp != 0;
            case LT -> cmp < 0;
            case LE -> cmp <= 0;
            case GT -> cmp > 0;
            case GE -> cmp >= 0;
            case MASKED_EQ -> (arg & value) == (c.valueTwo() & mask);
        };
    }
}
