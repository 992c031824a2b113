package dev.cortado.runtime.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.LinuxContainerResources;
import dev.cortado.runtime.cgroup.Cgroup;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.cgroup.Hierarchy;
import dev.cortado.runtime.oci.ResourceLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The v1 file names and contents, against a tree shaped like this host's hierarchies. */
class V1WriterTest {

    @TempDir
    Path root;
    private CgroupLayout layout;
    private Cgroup cgroup;

    @BeforeEach
    void hierarchies() throws IOException {
        layout = new CgroupLayout(List.of(
                new Hierarchy(root.resolve("cpu"), false, Set.of("cpu")),
                new Hierarchy(root.resolve("memory"), false, Set.of("memory")),
                new Hierarchy(root.resolve("pids"), false, Set.of("pids")),
                new Hierarchy(root.resolve("unified"), true, Set.of())));
        cgroup = new Cgroup(layout, "/cortado/pod/ctr");
        cgroup.create();
        kernelFile("cpu", "cpu.shares", "1024");
        kernelFile("cpu", "cpu.cfs_period_us", "100000");
        kernelFile("cpu", "cpu.cfs_quota_us", "-1");
        kernelFile("memory", "memory.limit_in_bytes", "9223372036854771712");
        kernelFile("memory", "memory.memsw.limit_in_bytes", "9223372036854771712");
        kernelFile("pids", "pids.max", "max");
        kernelFile("unified", "cgroup.max.depth", "max");
    }

    private void kernelFile(String hierarchy, String name, String content) throws IOException {
        Files.writeString(root.resolve(hierarchy).resolve("cortado/pod/ctr").resolve(name), content);
    }

    private String file(String hierarchy, String name) throws IOException {
        return Files.readString(root.resolve(hierarchy).resolve("cortado/pod/ctr").resolve(name));
    }

    private void apply(LinuxContainerResources.Builder resources) throws IOException {
        CgroupWriter.forLayout(layout).apply(cgroup, ResourceLimits.from(resources.build()), "linux.resources.");
    }

    @Test
    void limitsLandInTheirControllersHierarchies() throws IOException {
        apply(LinuxContainerResources.newBuilder().setCpuShares(512).setCpuQuota(25_000).setCpuPeriod(50_000)
                .setMemoryLimitInBytes(64L << 20).putUnified("pids.max", "40").putUnified("cgroup.max.depth", "3"));
        assertEquals("512", file("cpu", "cpu.shares"));
        assertEquals("50000", file("cpu", "cpu.cfs_period_us"));
        assertEquals("25000", file("cpu", "cpu.cfs_quota_us"));
        assertEquals("67108864", file("memory", "memory.limit_in_bytes"));
        assertEquals("67108864", file("memory", "memory.memsw.limit_in_bytes"), "no swap unless asked");
        assertEquals("40", file("pids", "pids.max"), "a unified key with the same name in v1");
        assertEquals("3", file("unified", "cgroup.max.depth"), "a unified key only the cgroup2 mount has");
    }

    @Test
    void swapIsMemoryPlusSwapAndMinusOneIsUnlimited() throws IOException {
        apply(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64L << 20)
                .setMemorySwapLimitInBytes(128L << 20));
        assertEquals("134217728", file("memory", "memory.memsw.limit_in_bytes"));
        apply(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64L << 20).setMemorySwapLimitInBytes(-1));
        assertEquals("-1", file("memory", "memory.memsw.limit_in_bytes"));
    }

    @Test
    void withoutSwapAccountingTheSwapLimitIsSkipped() throws IOException {
        Files.delete(root.resolve("memory/cortado/pod/ctr/memory.memsw.limit_in_bytes"));
        apply(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64L << 20));
        assertEquals("67108864", file("memory", "memory.limit_in_bytes"));
    }

    @Test
    void aUnifiedKeyNoHierarchyHasIsRefused() throws IOException {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> apply(
                LinuxContainerResources.newBuilder().setCpuShares(2).putUnified("memory.high", "1G")));
        assertTrue(refused.getMessage().startsWith("linux.resources.unified[\"memory.high\"]:"), refused.getMessage());
        assertEquals("1024", file("cpu", "cpu.shares"), "nothing written");
    }
}
