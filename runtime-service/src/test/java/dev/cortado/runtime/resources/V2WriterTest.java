package dev.cortado.runtime.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.HugepageLimit;
import dev.cortado.cri.v1.LinuxContainerResources;
import dev.cortado.rpc.CriException;
import dev.cortado.runtime.cgroup.Cgroup;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.cgroup.Hierarchy;
import dev.cortado.runtime.oci.ResourceLimits;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every cgroup v2 write, against a directory tree standing in for the unified mount: the files
 * a v2 kernel offers a container's cgroup (with their initial contents), then exactly what the
 * writer leaves in each.
 */
class V2WriterTest {

    private static final Map<String, String> KERNEL_FILES = Map.of(
            "cpu.weight", "100", "cpu.max", "max 100000", "cpuset.cpus", "", "cpuset.mems", "",
            "memory.max", "max", "memory.swap.max", "max", "memory.high", "max", "pids.max", "max",
            "hugetlb.2MB.max", "max", "cgroup.procs", "");

    @TempDir
    Path mount;
    private Cgroup cgroup;
    private Path dir;

    @BeforeEach
    void kernelTree() throws IOException {
        CgroupLayout layout = new CgroupLayout(List.of(new Hierarchy(mount, true, Set.of())));
        cgroup = new Cgroup(layout, "/cortado/pod1/ctr1");
        cgroup.create();
        dir = cgroup.directory(layout.unified().orElseThrow());
        for (Map.Entry<String, String> file : KERNEL_FILES.entrySet()) {
            Files.writeString(dir.resolve(file.getKey()), file.getValue());
        }
    }

    private void apply(LinuxContainerResources.Builder resources) throws IOException {
        CgroupWriter.forLayout(new CgroupLayout(List.of(new Hierarchy(mount, true, Set.of()))))
                .apply(cgroup, ResourceLimits.from(resources.build()), "linux.resources.");
    }

    private Map<String, String> files() throws IOException {
        Map<String, String> contents = new TreeMap<>();
        for (String name : KERNEL_FILES.keySet()) {
            contents.put(name, Files.readString(dir.resolve(name)));
        }
        return contents;
    }

    private Map<String, String> expect(Map<String, String> changed) {
        Map<String, String> all = new TreeMap<>(KERNEL_FILES);
        all.putAll(changed);
        return all;
    }

    @Test
    void everyLimitLandsInItsV2File() throws IOException {
        apply(LinuxContainerResources.newBuilder().setCpuShares(1024).setCpuQuota(50_000).setCpuPeriod(100_000)
                .setCpusetCpus("0-1").setCpusetMems("0").setMemoryLimitInBytes(64L << 20)
                .setMemorySwapLimitInBytes(96L << 20)
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(4L << 20))
                .putUnified("pids.max", "50").putUnified("memory.high", "50331648"));
        assertEquals(expect(Map.of("cpu.weight", "39", "cpu.max", "50000 100000", "cpuset.cpus", "0-1",
                "cpuset.mems", "0", "memory.max", "67108864", "memory.swap.max", "33554432",
                "hugetlb.2MB.max", "4194304", "pids.max", "50", "memory.high", "50331648")), files());
    }

    @Test
    void unsetFieldsAreLeftAlone() throws IOException {
        apply(LinuxContainerResources.newBuilder());
        assertEquals(KERNEL_FILES, files());
    }

    @Test
    void memoryAloneMeansNoSwapAndMinusOneMeansUnlimited() throws IOException {
        apply(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(32L << 20));
        assertEquals("33554432", Files.readString(dir.resolve("memory.max")));
        assertEquals("0", Files.readString(dir.resolve("memory.swap.max")), "containerd's default: no swap");
        apply(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(32L << 20).setMemorySwapLimitInBytes(-1));
        assertEquals("max", Files.readString(dir.resolve("memory.swap.max")));
    }

    @Test
    void cpuMaxSpellings() throws IOException {
        apply(LinuxContainerResources.newBuilder().setCpuQuota(-1).setCpuPeriod(50_000));
        assertEquals("max 50000", Files.readString(dir.resolve("cpu.max")));
        apply(LinuxContainerResources.newBuilder().setCpuQuota(20_000));
        assertEquals("20000", Files.readString(dir.resolve("cpu.max")), "the kernel keeps its period");
    }

    @Test
    void sharesToWeightFollowsTheKubeletFormula() {
        assertEquals(1, V2Files.weight(2));
        assertEquals(1, V2Files.weight(1), "the kernel raises 1 to 2");
        assertEquals(39, V2Files.weight(1024));
        assertEquals(10000, V2Files.weight(262144));
        assertEquals(4, V2Files.weight(102));
    }

    @Test
    void unifiedValuesOverrideAndAreWrittenVerbatim() throws IOException {
        apply(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64L << 20).putUnified("memory.max", "max")
                .putUnified("cpu.max", "max 20000"));
        assertEquals("max", Files.readString(dir.resolve("memory.max")));
        assertEquals("max 20000", Files.readString(dir.resolve("cpu.max")));
    }

    @Test
    void anUnknownUnifiedKeyIsRefusedBeforeAnythingIsWritten() throws IOException {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> apply(
                LinuxContainerResources.newBuilder().setCpuShares(512).putUnified("io.max", "8:0 rbps=1")));
        assertTrue(refused.getMessage().startsWith("linux.resources.unified[\"io.max\"]: the container's cgroup has"
                + " no file \"io.max\""), refused.getMessage());
        assertEquals(KERNEL_FILES, files(), "nothing written");
        assertTrue(Files.notExists(dir.resolve("io.max")), "no file created");
    }

    @Test
    void runtimeFilesCannotBeSetThroughTheUnifiedMap() throws IOException {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> apply(
                LinuxContainerResources.newBuilder().putUnified("cgroup.procs", "1")));
        assertEquals("linux.resources.unified[\"cgroup.procs\"]: \"cgroup.procs\" is managed by the runtime and"
                + " cannot be set", refused.getMessage());
        assertEquals(KERNEL_FILES, files());
    }

    @Test
    void aMissingControllerIsAPreconditionButMissingHugetlbIsSkipped() throws IOException {
        Files.delete(dir.resolve("cpu.weight"));
        CriException missing = assertThrows(CriException.class,
                () -> apply(LinuxContainerResources.newBuilder().setCpuShares(512)));
        assertEquals(Status.Code.FAILED_PRECONDITION, missing.code());
        assertTrue(missing.getMessage().contains("linux.resources.cpu_shares"), missing.getMessage());
        assertTrue(missing.getMessage().contains("cpu controller is not enabled"), missing.getMessage());
        Files.delete(dir.resolve("hugetlb.2MB.max"));
        apply(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(8L << 20)
                .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(0)));
        assertEquals("8388608", Files.readString(dir.resolve("memory.max")));
        assertTrue(Files.notExists(dir.resolve("hugetlb.2MB.max")));
    }
}
