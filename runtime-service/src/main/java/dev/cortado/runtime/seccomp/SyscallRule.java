package dev.cortado.runtime.seccomp;

import java.util.List;

/**
 * One entry of a profile: the syscalls it names get {@code action} when every condition holds
 * (no conditions: always).
 */
public record SyscallRule(List<String> names, SeccompAction action, List<ArgCondition> conditions) {

    public SyscallRule {
        names = List.copyOf(names);
        conditions = List.copyOf(conditions);
    }

    public static SyscallRule of(SeccompAction action, List<String> names) {
        return new SyscallRule(names, action, List.of());
    }
}
