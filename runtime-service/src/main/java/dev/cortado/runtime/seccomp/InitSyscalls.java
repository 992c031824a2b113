package dev.cortado.runtime.seccomp;

import java.util.ArrayList;
import java.util.List;

/**
 * The syscalls the container's init makes after it loaded the filter. Without no_new_privs the
 * kernel takes a filter only from a task that still has CAP_SYS_ADMIN, so the init loads it
 * before dropping its user and capabilities (shim/PROTOCOL.md section 6); a profile that denies
 * the drop would make every start fail with a bare "setgroups: Operation not permitted".
 */
final class InitSyscalls {

    static final List<String> AFTER_EARLY_LOAD = List.of("setgroups", "setresgid", "setresuid", "capset",
            "prctl", "read", "write", "execve");

    private InitSyscalls() {
    }

    /** The calls of {@link #AFTER_EARLY_LOAD} the profile surely refuses (conditional rules are given the benefit). */
    static List<String> denied(SeccompProfile profile) {
        List<String> denied = new ArrayList<>();
        for (String name : AFTER_EARLY_LOAD) {
            if (!passes(verdict(profile, name))) {
                denied.add(name);
            }
        }
        return denied;
    }

    /** The action for the call whatever its arguments, or ALLOW when a conditional rule might decide. */
    private static SeccompAction verdict(SeccompProfile profile, String name) {
        SeccompAction unconditional = null;
        for (SyscallRule rule : profile.rules()) {
            if (!rule.names().contains(name)) {
                continue;
            }
            if (!rule.conditions().isEmpty()) {
                return SeccompAction.ALLOW;
            }
            if (unconditional == null) {
                unconditional = rule.action();
            }
        }
        return unconditional != null ? unconditional : profile.defaultAction();
    }

    private static boolean passes(SeccompAction action) {
        return action.kind() == SeccompAction.Kind.ALLOW || action.kind() == SeccompAction.Kind.LOG;
    }
}
