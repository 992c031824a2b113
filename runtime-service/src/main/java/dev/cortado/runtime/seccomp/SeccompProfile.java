package dev.cortado.runtime.seccomp;

import java.util.List;
import java.util.Set;

/**
 * A seccomp policy before compilation.
 *
 * @param defaultAction what every syscall no rule matched gets
 * @param arches        the ABIs whose syscalls the policy governs; a syscall of any other ABI
 *                      kills the process (as libseccomp's bad-architecture action does), so that
 *                      a 32-bit entry point cannot bypass a 64-bit deny list
 * @param rules         in profile order; within one syscall, rules with conditions are tried
 *                      before an unconditional one
 * @param flags         SECCOMP_FILTER_FLAG_* bits for seccomp(2)
 */
public record SeccompProfile(SeccompAction defaultAction, Set<SeccompArch> arches, List<SyscallRule> rules,
                             int flags) {

    public SeccompProfile {
        arches = Set.copyOf(arches);
        rules = List.copyOf(rules);
        if (arches.isEmpty()) {
            throw new IllegalArgumentException("a seccomp profile needs at least one architecture");
        }
    }
}
