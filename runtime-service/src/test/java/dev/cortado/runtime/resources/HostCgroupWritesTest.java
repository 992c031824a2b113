package dev.cortado.runtime.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The writers on the host's real cgroups: the v1 hierarchies, and a real v2 cgroup in the cgroup2 mount. */
class HostCgroupWritesTest {

    private final String top = "/cortado-test-" + UUID.randomUUID().toString().substring(0, 8);
    private Cgroup cleanup;

    @AfterEach
    void removeCgroups() throws IOException {
        if (cleanup != null) {
            cleanup.remove();
            assertTrue(cleanup.procsFiles().stream().noneMatch(f -> Files.exists(Path.of(f))), "cgroup removed");
        }
    }

    private static void apply(CgroupLayout layout, Cgroup cgroup, LinuxContainerResources.Builder resources)
            throws IOException {
        CgroupWriter.forLayout(layout).apply(cgroup, ResourceLimits.from(resources.build()), "linux.resources.");
    }

    @Test
    void v1LimitsLandInTheKernelsFiles() throws IOException {
        CgroupLayout layout = CgroupLayout.detect();
        assumeTrue(!layout.isUnifiedOnly() && layout.forController("memory").map(h -> !h.unified()).orElse(false),
                "a host with cgroup v1 controllers");
        cleanup = new Cgroup(layout, top);
        Cgroup ctr = cleanup.child("ctr");
        ctr.create();
        apply(layout, ctr, LinuxContainerResources.newBuilder().setCpuShares(512).setCpuQuota(50_000)
                .setCpuPeriod(100_000).setCpusetCpus("0").setCpusetMems("0").setMemoryLimitInBytes(64L << 20)
                .putUnified("pids.max", "25"));
        assertEquals(Optional.of("512"), ctr.read("cpu", "cpu.shares"));
        assertEquals(Optional.of("50000"), ctr.read("cpu", "cpu.cfs_quota_us"));
        assertEquals(Optional.of("100000"), ctr.read("cpu", "cpu.cfs_period_us"));
        assertEquals(Optional.of("0"), ctr.read("cpuset", "cpuset.cpus"));
        assertEquals(Optional.of("0"), ctr.read("cpuset", "cpuset.mems"));
        assertEquals(Optional.of(Long.toString(64L << 20)), ctr.read("memory", "memory.limit_in_bytes"));
        assertEquals(Optional.of("25"), ctr.read("pids", "pids.max"));
        boolean memsw = ctr.read("memory", "memory.memsw.limit_in_bytes").isPresent();
        if (memsw) {
            assertEquals(Optional.of(Long.toString(64L << 20)), ctr.read("memory", "memory.memsw.limit_in_bytes"));
        }
        // raising memory above the current memory+swap limit needs the latter raised first
        apply(layout, ctr, LinuxContainerResources.newBuilder().setMemoryLimitInBytes(256L << 20));
        assertEquals(Optional.of(Long.toString(256L << 20)), ctr.read("memory", "memory.limit_in_bytes"));
        apply(layout, ctr, LinuxContainerResources.newBuilder().setMemoryLimitInBytes(32L << 20));
        assertEquals(Optional.of(Long.toString(32L << 20)), ctr.read("memory", "memory.limit_in_bytes"));
        if (memsw) {
            assertEquals(Optional.of(Long.toString(32L << 20)), ctr.read("memory", "memory.memsw.limit_in_bytes"));
        }
        assertEquals(Optional.of(0L), new OomCounter(layout).kills(ctr));
    }

    @Test
    void aCpusetBeyondTheMachineIsRefusedNamingTheField() throws IOException {
        CgroupLayout layout = CgroupLayout.detect();
        assumeTrue(layout.legacy().stream().anyMatch(h -> h.has("cpuset")), "a cgroup v1 cpuset hierarchy");
        cleanup = new Cgroup(layout, top);
        Cgroup ctr = cleanup.child("ctr");
        ctr.create();
        String cpus = "0-" + (Runtime.getRuntime().availableProcessors() + 64);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> apply(layout, ctr, LinuxContainerResources.newBuilder().setCpusetCpus(cpus)));
        assertTrue(refused.getMessage().startsWith("linux.resources.cpuset_cpus: the kernel refused \"" + cpus + "\""),
                refused.getMessage());
    }

    @Test
    void aRealV2CgroupTakesUnifiedKeysAndRefusesMissingOnes() throws IOException {
        Optional<Hierarchy> mount = CgroupLayout.detect().unified();
        assumeTrue(mount.isPresent(), "a cgroup2 mount");
        CgroupLayout layout = new CgroupLayout(List.of(mount.get()));
        cleanup = new Cgroup(layout, top);
        Cgroup ctr = cleanup.child("ctr");
        ctr.create();
        assertTrue(Files.isRegularFile(ctr.directory(mount.get()).resolve("cgroup.max.descendants")));
        apply(layout, ctr, LinuxContainerResources.newBuilder().putUnified("cgroup.max.descendants", "3")
                .putUnified("cgroup.max.depth", "2"));
        assertEquals("3", Files.readString(ctr.directory(mount.get()).resolve("cgroup.max.descendants")).trim());
        assertEquals("2", Files.readString(ctr.directory(mount.get()).resolve("cgroup.max.depth")).trim());

        Set<String> enabled = Set.of(Files.readString(ctr.directory(mount.get()).resolve("cgroup.controllers"))
                .trim().split("\\s+"));
        if (!enabled.contains("memory")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> apply(layout, ctr, LinuxContainerResources.newBuilder().putUnified("memory.high", "64M")));
            assertTrue(refused.getMessage().contains("has no file \"memory.high\""), refused.getMessage());
            assertFalse(Files.exists(ctr.directory(mount.get()).resolve("memory.high")));
            CriException missing = assertThrows(CriException.class,
                    () -> apply(layout, ctr, LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64L << 20)));
            assertEquals(Status.Code.FAILED_PRECONDITION, missing.code());
        }
    }
}
