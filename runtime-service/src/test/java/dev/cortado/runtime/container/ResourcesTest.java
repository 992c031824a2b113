package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.ExecSyncResponse;
import dev.cortado.cri.v1.LinuxContainerConfig;
import dev.cortado.cri.v1.LinuxContainerResources;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.UpdateContainerResourcesRequest;
import dev.cortado.cri.v1.UpdatePodSandboxResourcesRequest;
import dev.cortado.runtime.daemon.RpcFailures;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Resource limits through the daemon on this host's cgroups (v1 controllers): they are in place
 * when the container runs, an update changes them live, a pod gets its own, and a kill by the
 * memory limit, and only that, is reported as OOMKilled.
 */
class ResourcesTest extends BusyboxDaemonTest {

    private static final Path V1 = Path.of("/sys/fs/cgroup");
    private static final long MIB = 1 << 20;

    ResourcesTest() {
        super("ctr-resources");
    }

    private ContainerConfig limited(String name, LinuxContainerResources.Builder resources, String... command) {
        return PodFixture.container(name, busybox.reference(), command)
                .setLinux(LinuxContainerConfig.newBuilder().setResources(resources)).build();
    }

    /** A control file of the container's cgroup in one v1 hierarchy. */
    private String cgroupFile(String containerId, String hierarchy, String file) throws IOException {
        String cgroup = pods.info(containerId).get("cgroup").asText();
        return Files.readString(V1.resolve(hierarchy).resolve(cgroup.substring(1)).resolve(file)).trim();
    }

    @Test
    void aKillByTheMemoryLimitIsOOMKilled() {
        PodFixture.Pod pod = pods.startPod("oom");
        // tail looks for the last lines of an endless line: it buffers until the limit stops it
        String id = pods.run(pod, limited("hog", LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(32 * MIB), "tail", "/dev/zero"));
        ContainerStatus status = pods.awaitState(id, ContainerState.CONTAINER_EXITED, Duration.ofSeconds(60));
        assertEquals("OOMKilled", status.getReason(), status.toString());
        assertEquals(137, status.getExitCode());
    }

    @Test
    void aSigtermExitAfterAChildWasOomKilledIsAnError() throws IOException {
        PodFixture.Pod pod = pods.startPod("oom-child");
        String id = pods.run(pod, limited("parent", LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(32 * MIB), "sh", "-c", "trap 'exit 143' TERM; tail /dev/zero;"
                + " echo child gone; while true; do usleep 50000; done"));
        PodFixture.await(() -> {
            try {
                return Long.parseLong(cgroupFile(id, "memory", "memory.oom_control").replaceAll("(?s).*oom_kill ", "")
                        .trim()) >= 1;
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofSeconds(60), () -> "the child tail was not OOM-killed");
        assertEquals(ContainerState.CONTAINER_RUNNING, pods.status(id).getState(), "the shell outlives its child");
        pods.stop(id, 10);
        ContainerStatus status = pods.status(id);
        assertEquals(ContainerState.CONTAINER_EXITED, status.getState());
        assertEquals(143, status.getExitCode());
        assertEquals("Error", status.getReason(), "an earlier OOM kill of a child is not the container's end");
    }

    @Test
    void limitsAreInPlaceAtStartAndAnUpdateChangesThemLive() throws IOException {
        PodFixture.Pod pod = pods.startPod("limits");
        LinuxContainerResources.Builder initial = LinuxContainerResources.newBuilder().setCpuShares(512)
                .setCpuQuota(50_000).setCpuPeriod(100_000).setCpusetCpus("0").setCpusetMems("0")
                .setMemoryLimitInBytes(64 * MIB).putUnified("pids.max", "30");
        String id = pods.run(pod, limited("capped", initial, "sleep", "1000"));
        assertEquals("512", cgroupFile(id, "cpu", "cpu.shares"));
        assertEquals("50000", cgroupFile(id, "cpu", "cpu.cfs_quota_us"));
        assertEquals("100000", cgroupFile(id, "cpu", "cpu.cfs_period_us"));
        assertEquals("0", cgroupFile(id, "cpuset", "cpuset.cpus"));
        assertEquals(Long.toString(64 * MIB), cgroupFile(id, "memory", "memory.limit_in_bytes"));
        assertEquals("30", cgroupFile(id, "pids", "pids.max"));
        assertTrue(pods.sh(id, "grep Cpus_allowed_list /proc/self/status").trim().endsWith("\t0"),
                "the container's own view of its CPUs");
        assertEquals(initial.build(), pods.status(id).getResources().getLinux());

        harness.runtime().updateContainerResources(UpdateContainerResourcesRequest.newBuilder().setContainerId(id)
                .setLinux(LinuxContainerResources.newBuilder().setCpuQuota(20_000).setCpusetCpus("1")
                        .setMemoryLimitInBytes(128 * MIB).putUnified("pids.max", "40")).build());
        assertEquals("20000", cgroupFile(id, "cpu", "cpu.cfs_quota_us"));
        assertEquals("512", cgroupFile(id, "cpu", "cpu.shares"), "what the update leaves out stays");
        assertEquals("1", cgroupFile(id, "cpuset", "cpuset.cpus"));
        assertEquals(Long.toString(128 * MIB), cgroupFile(id, "memory", "memory.limit_in_bytes"));
        assertEquals("40", cgroupFile(id, "pids", "pids.max"));
        assertTrue(pods.sh(id, "grep Cpus_allowed_list /proc/self/status").trim().endsWith("\t1"));
        LinuxContainerResources reported = pods.status(id).getResources().getLinux();
        assertEquals(20_000, reported.getCpuQuota());
        assertEquals(512, reported.getCpuShares());
        assertEquals("1", reported.getCpusetCpus());
        assertEquals("40", reported.getUnifiedOrThrow("pids.max"));
        JsonNode spec = pods.info(id).get("runtimeSpec").get("linux").get("resources");
        assertEquals(20_000, spec.get("cpu").get("quota").asLong(), spec.toString());
        assertEquals(128 * MIB, spec.get("memory").get("limit").asLong());
        assertTrue(spec.get("devices").size() > 0, "device rules kept");

        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.runtime().updateContainerResources(
                UpdateContainerResourcesRequest.newBuilder().setContainerId(id).setLinux(LinuxContainerResources
                        .newBuilder().setCpuShares(-3)).build()), "linux.cpu_shares", "-3");
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.runtime().updateContainerResources(
                UpdateContainerResourcesRequest.newBuilder().setContainerId(id).setLinux(LinuxContainerResources
                        .newBuilder().putUnified("memory.high", "1G")).build()), "linux.unified[\"memory.high\"]");
        assertEquals("20000", cgroupFile(id, "cpu", "cpu.cfs_quota_us"), "a refused update changes nothing");

        harness.runtime().updateContainerResources(UpdateContainerResourcesRequest.newBuilder().setContainerId(id)
                .setLinux(LinuxContainerResources.newBuilder().setMemorySwapLimitInBytes(256 * MIB)).build());
        assertEquals(Long.toString(128 * MIB), cgroupFile(id, "memory", "memory.limit_in_bytes"));
        assertEquals(Long.toString(256 * MIB), cgroupFile(id, "memory", "memory.memsw.limit_in_bytes"),
                "swap alone, against the memory limit the container keeps");

        // pids.max 40 (from the update) stops the 40 sleeps of one shell before the last
        ExecSyncResponse forks = pods.exec(id, 30, "sh", "-c", "for i in $(seq 40); do sleep 5 & done; echo all");
        String output = forks.getStdout().toStringUtf8() + forks.getStderr().toStringUtf8();
        assertTrue(output.contains("can't fork") && !output.contains("all"),
                "forks beyond pids.max: " + output);
        assertEquals("40", pods.status(id).getResources().getLinux().getUnifiedOrThrow("pids.max"));
    }

    @Test
    void aPodGetsItsResourcesPlusOverheadAndTheyCanBeUpdated() throws IOException {
        PodSandboxConfig base = pods.pod("podlimits");
        PodSandboxConfig config = base.toBuilder().setLinux(base.getLinux().toBuilder()
                .setResources(LinuxContainerResources.newBuilder().setCpuShares(1024).setCpuQuota(100_000)
                        .setCpuPeriod(100_000).setMemoryLimitInBytes(256 * MIB))
                .setOverhead(LinuxContainerResources.newBuilder().setCpuShares(100).setMemoryLimitInBytes(32 * MIB)))
                .build();
        String podId = pods.runPod(config);
        Path memory = V1.resolve("memory/cortado").resolve(podId);
        Path cpu = V1.resolve("cpu/cortado").resolve(podId);
        assertEquals(Long.toString(288 * MIB), Files.readString(memory.resolve("memory.limit_in_bytes")).trim());
        assertEquals("1124", Files.readString(cpu.resolve("cpu.shares")).trim());
        assertEquals("100000", Files.readString(cpu.resolve("cpu.cfs_quota_us")).trim());

        harness.runtime().updatePodSandboxResources(UpdatePodSandboxResourcesRequest.newBuilder()
                .setPodSandboxId(podId)
                .setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(512 * MIB)
                        .setCpuQuota(200_000).setCpuPeriod(100_000))
                .setOverhead(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(32 * MIB)).build());
        assertEquals(Long.toString(544 * MIB), Files.readString(memory.resolve("memory.limit_in_bytes")).trim());
        assertEquals("200000", Files.readString(cpu.resolve("cpu.cfs_quota_us")).trim());
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.runtime().updatePodSandboxResources(
                UpdatePodSandboxResourcesRequest.newBuilder().setPodSandboxId(podId)
                        .setOverhead(LinuxContainerResources.newBuilder().setCpuShares(-1)).build()),
                "overhead.cpu_shares");
    }

    @Test
    void aPodWithBadResourcesIsRefusedAndNothingIsMade() {
        PodSandboxConfig base = pods.pod("badpod");
        PodSandboxConfig config = base.toBuilder().setLinux(base.getLinux().toBuilder()
                .setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(-5))).build();
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> pods.runPod(config),
                "config.linux.resources.memory_limit_in_bytes");
        assertEquals(0, harness.runtime().listPodSandbox(dev.cortado.cri.v1.ListPodSandboxRequest.getDefaultInstance())
                .getItemsCount());
    }
}
