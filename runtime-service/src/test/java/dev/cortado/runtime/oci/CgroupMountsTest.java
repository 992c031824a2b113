package dev.cortado.runtime.oci;

import dev.cortado.shim.plan.InitPlan;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CgroupMountsTest {

    private static final long HARDENED = MountFlag.NOSUID | MountFlag.NODEV | MountFlag.NOEXEC;

    @Test
    void hybridHostGetsATmpfsWithEachHierarchyBoundReadOnlyThenSealed() {
        CgroupPlacement placement = new CgroupPlacement("/kubepods/pod1/c1", List.of(
                new CgroupPlacement.CgroupDirectory("memory", Path.of("/sys/fs/cgroup/memory/kubepods/pod1/c1")),
                new CgroupPlacement.CgroupDirectory("cpu,cpuacct", Path.of("/sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/c1")),
                new CgroupPlacement.CgroupDirectory("unified", Path.of("/sys/fs/cgroup/unified/kubepods/pod1/c1"))));
        List<InitPlan.MountSpec> plan = CgroupMounts.plan(placement);
        assertEquals(List.of(
                new InitPlan.MountSpec("tmpfs", "/sys/fs/cgroup", "tmpfs", HARDENED, "mode=755", 0, 0),
                bind("/sys/fs/cgroup/memory/kubepods/pod1/c1", "/sys/fs/cgroup/memory"),
                bind("/sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/c1", "/sys/fs/cgroup/cpu,cpuacct"),
                bind("/sys/fs/cgroup/unified/kubepods/pod1/c1", "/sys/fs/cgroup/unified"),
                new InitPlan.MountSpec("cpu,cpuacct", "/sys/fs/cgroup/cpu", "", 0, "", 0, InitPlan.MountSpec.SYMLINK),
                new InitPlan.MountSpec("cpu,cpuacct", "/sys/fs/cgroup/cpuacct", "", 0, "", 0, InitPlan.MountSpec.SYMLINK),
                new InitPlan.MountSpec("tmpfs", "/sys/fs/cgroup", "tmpfs", MountFlag.REMOUNT | MountFlag.RDONLY | HARDENED,
                        "mode=755", 0, 0)), plan);
        assertEquals(List.of("/sys/fs/cgroup/memory/kubepods/pod1/c1/cgroup.procs",
                "/sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/c1/cgroup.procs",
                "/sys/fs/cgroup/unified/kubepods/pod1/c1/cgroup.procs"), placement.cgroupProcs());
    }

    @Test
    void unifiedOnlyHostBindsTheContainersCgroupAtTheTop() {
        CgroupPlacement placement = new CgroupPlacement("kubepods.slice:cri:c1", List.of(
                new CgroupPlacement.CgroupDirectory("", Path.of("/sys/fs/cgroup/kubepods.slice/c1"))));
        assertEquals(List.of(bind("/sys/fs/cgroup/kubepods.slice/c1", "/sys/fs/cgroup")), CgroupMounts.plan(placement));
    }

    @Test
    void noCgroupsNoMounts() {
        assertTrue(CgroupMounts.plan(new CgroupPlacement("/x", List.of())).isEmpty());
    }

    private static InitPlan.MountSpec bind(String source, String target) {
        return new InitPlan.MountSpec(source, target, "bind", MountFlag.BIND | MountFlag.RDONLY | HARDENED, "",
                MountFlag.PRIVATE | MountFlag.REC, InitPlan.MountSpec.DIRECTORY);
    }
}
