package dev.cortado.runtime.container;

import dev.cortado.runtime.oci.ContainerSpec;
import dev.cortado.shim.plan.InitPlan;
import java.util.List;
import java.util.Map;

/**
 * The plan of a command run inside a running container: it enters the container's namespaces
 * through its init's /proc entries (the PID namespace before the fork, the mount namespace
 * last, which also puts it in the container's root) and its cgroups, and drops to the same
 * user, capabilities and restrictions as the container's own process.
 */
final class ExecPlans {

    private static final String[] NAMESPACES = {"ipc", "uts", "net", "pid", "mnt"};
    private static final int[] TYPES = {InitPlan.CLONE_NEWIPC, InitPlan.CLONE_NEWUTS, InitPlan.CLONE_NEWNET,
            InitPlan.CLONE_NEWPID, InitPlan.CLONE_NEWNS};

    private ExecPlans() {
    }

    static InitPlan of(ContainerSpec spec, long initPid, List<String> command, boolean tty) {
        InitPlan.NamespaceJoin[] joins = new InitPlan.NamespaceJoin[NAMESPACES.length];
        for (int i = 0; i < NAMESPACES.length; i++) {
            joins[i] = new InitPlan.NamespaceJoin(TYPES[i], "/proc/" + initPid + "/ns/" + NAMESPACES[i]);
        }
        List<Integer> groups = spec.user().additionalGids().stream().map(g -> (int) (long) g).toList();
        return new InitPlan(command, spec.env(), spec.cwd(), null, null, false, false, 0, List.of(joins), List.of(),
                List.of(), List.of(), List.of(), Map.of(), List.of(), (int) spec.user().uid(),
                (int) spec.user().gid(), groups, spec.capabilities(), spec.noNewPrivileges(), spec.seccompPlan(), null,
                spec.cgroups().cgroupProcs(), tty, false, false, false, 0);
    }
}
