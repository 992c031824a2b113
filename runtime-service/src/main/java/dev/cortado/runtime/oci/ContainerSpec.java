package dev.cortado.runtime.oci;

import dev.cortado.runtime.seccomp.SeccompFilter;
import dev.cortado.shim.plan.InitPlan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything decided about one container, before it is written down twice: as config.json (for
 * {@code crictl inspect} and runc) and as the shim's init plan. Both renderings come from this
 * one value, so they cannot disagree.
 *
 * @param mounts          config.json's mounts, in order
 * @param planMounts      the init's mounts, in order: the "/" propagation first, the same
 *                        mounts (the cgroup view spelled out), then /dev's links
 * @param hostname        set only when the container has a UTS namespace of its own
 * @param rootPropagation MS_REC with MS_PRIVATE, MS_SLAVE or MS_SHARED for "/"
 * @param deviceRules     config.json's device-cgroup rules
 * @param privileged      the security context's privileged: every capability and host device, no
 *                        masked paths, /sys and cgroups writable, and no seccomp filter (the
 *                        seccomp work reads this to skip its profile)
 * @param sysctls         the pod's namespaced sysctls, dotted keys, written by the init
 * @param seccomp         the seccomp policy of the init and every exec, or null for none
 */
public record ContainerSpec(List<String> args, List<String> env, String cwd, boolean tty, boolean stdin,
                            boolean stdinOnce, ResolvedUser user, InitPlan.Capabilities capabilities,
                            boolean noNewPrivileges, int oomScoreAdj, String rootfs, boolean readonlyRootfs,
                            String hostname, List<OciMount> mounts, List<InitPlan.MountSpec> planMounts,
                            List<InitPlan.DeviceNode> devices, List<String> maskedPaths, List<String> readonlyPaths,
                            PodNamespaces namespaces, CgroupPlacement cgroups, long rootPropagation,
                            ResourceLimits resources, List<DeviceRule> deviceRules, Map<String, String> annotations,
                            boolean privileged, Map<String, String> sysctls,
                            SeccompFilter seccomp) {

    public ContainerSpec {
        args = List.copyOf(args);
        env = List.copyOf(env);
        mounts = List.copyOf(mounts);
        planMounts = List.copyOf(planMounts);
        devices = List.copyOf(devices);
        maskedPaths = List.copyOf(maskedPaths);
        readonlyPaths = List.copyOf(readonlyPaths);
        deviceRules = List.copyOf(deviceRules);
        annotations = Collections.unmodifiableMap(new TreeMap<>(annotations));
        sysctls = Collections.unmodifiableMap(new TreeMap<>(sysctls));
    }

    public InitPlan toInitPlan() {
        List<InitPlan.NamespaceJoin> joins = new ArrayList<>();
        int fresh = InitPlan.CLONE_NEWNS;
        fresh |= namespace(namespaces.network(), InitPlan.CLONE_NEWNET, joins);
        fresh |= namespace(namespaces.ipc(), InitPlan.CLONE_NEWIPC, joins);
        fresh |= namespace(namespaces.uts(), InitPlan.CLONE_NEWUTS, joins);
        fresh |= namespace(namespaces.pid(), InitPlan.CLONE_NEWPID, joins);
        List<Integer> groups = user.additionalGids().stream().map(g -> (int) (long) g).toList();
        return new InitPlan(args, env, cwd, hostname, rootfs, readonlyRootfs, false, fresh, joins, planMounts,
                maskedPaths, readonlyPaths, devices, sysctls, List.of(), (int) user.uid(), (int) user.gid(), groups,
                capabilities, noNewPrivileges, seccompPlan(), oomScoreAdj, cgroups.cgroupProcs(), tty, stdin, stdinOnce,
                false, 0);
    }

    /** The compiled filter for an init plan, or null. */
    public InitPlan.Seccomp seccompPlan() {
        return seccomp == null ? null : seccomp.plan();
    }

    private static int namespace(NamespaceSetting setting, int type, List<InitPlan.NamespaceJoin> joins) {
        return switch (setting.sharing()) {
            case HOST -> 0;
            case NEW -> type;
            case JOIN -> {
                joins.add(new InitPlan.NamespaceJoin(type, setting.path().toString()));
                yield 0;
            }
        };
    }
}
