package dev.cortado.runtime.container;

import dev.cortado.runtime.daemon.RpcFailures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.Capability;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ContainerMetadata;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.CreateContainerRequest;
import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.LinuxContainerConfig;
import dev.cortado.cri.v1.LinuxContainerResources;
import dev.cortado.cri.v1.LinuxContainerSecurityContext;
import dev.cortado.cri.v1.ListContainersRequest;
import dev.cortado.cri.v1.Mount;
import dev.cortado.cri.v1.MountPropagation;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.StopPodSandboxRequest;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * CreateContainer refuses bad requests with a gRPC error a person can act on, and leaves
 * nothing half-made: no container listed, no record, no layers, no bundle, no mount, no
 * cgroup, no shim; and the name stays free for a good request.
 */
class BadInputTest extends BusyboxDaemonTest {

    private PodFixture.Pod pod;

    BadInputTest() {
        super("ctr-badinput");
    }

    @BeforeEach
    void freshPod() {
        harness.removeAllPods();
        pod = pods.startPod("bad");
    }

    @Test
    void anImageThatWasNotPulledIsNotFound() throws IOException {
        String missing = harness.registry().hostPort() + "/busybox:never-pushed";
        refused(Status.Code.NOT_FOUND, good().setImage(ImageSpec.newBuilder().setImage(missing)), missing);
    }

    @Test
    void anUnknownPodIsNotFound() throws IOException {
        String unknown = "f".repeat(64);
        RpcFailures.assertFails(Status.Code.NOT_FOUND, () -> harness.runtime().createContainer(
                CreateContainerRequest.newBuilder().setPodSandboxId(unknown).setConfig(good())
                        .setSandboxConfig(pod.config()).build()), unknown);
        assertNothingMade(Set.of());
    }

    @Test
    void aStoppedPodTakesNoContainers() throws IOException {
        harness.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod.id()).build());
        RpcFailures.assertFails(Status.Code.FAILED_PRECONDITION, () -> pods.create(pod, good().build()),
                "not ready");
        assertNothingMade(Set.of());
    }

    @Test
    void aMountSourceThatDoesNotExistIsNamed() throws IOException {
        String source = harness.dir().resolve("no-such-volume").toString();
        refused(Status.Code.INVALID_ARGUMENT, good().addMounts(Mount.newBuilder().setHostPath(source)
                .setContainerPath("/data")), "mounts[0].host_path", source, "does not exist");
    }

    @Test
    void aRelativeMountTargetIsRefused() throws IOException {
        refused(Status.Code.INVALID_ARGUMENT, good().addMounts(Mount.newBuilder()
                .setHostPath(harness.dir().toString()).setContainerPath("data")), "mounts[0].container_path");
    }

    @Test
    void propagationFromAPrivateHostMountIsRefusedWithTheFix() throws IOException {
        Path source = Files.createDirectories(harness.dir().resolve("private-volume"));
        refused(Status.Code.FAILED_PRECONDITION, good().addMounts(Mount.newBuilder().setHostPath(source.toString())
                .setContainerPath("/data").setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER)),
                "mounts[0].propagation", "mount --make-rshared");
    }

    @Test
    void aNegativeCpuShareIsInvalid() throws IOException {
        refused(Status.Code.INVALID_ARGUMENT, good().setLinux(LinuxContainerConfig.newBuilder()
                .setResources(LinuxContainerResources.newBuilder().setCpuShares(-5))), "cpu_shares", "-5");
    }

    @Test
    void absurdOrMalformedResourcesAreInvalid() throws IOException {
        refused(Status.Code.INVALID_ARGUMENT, withResources(LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(1000)), "linux.resources.memory_limit_in_bytes", "1000", "minimum");
        refused(Status.Code.INVALID_ARGUMENT, withResources(LinuxContainerResources.newBuilder()
                .setCpusetCpus("one")), "linux.resources.cpuset_cpus", "\"one\"");
        refused(Status.Code.INVALID_ARGUMENT, withResources(LinuxContainerResources.newBuilder()
                .setCpuQuota(-7)), "linux.resources.cpu_quota", "-7");
    }

    @Test
    void aUnifiedKeyTheContainersCgroupLacksIsInvalid() throws IOException {
        refused(Status.Code.INVALID_ARGUMENT, withResources(LinuxContainerResources.newBuilder()
                .putUnified("no_such.file", "1")), "linux.resources.unified[\"no_such.file\"]", "no file");
    }

    @Test
    void aCpusetTheKernelRefusesIsInvalidAndLeavesNoCgroup() throws IOException {
        refused(Status.Code.INVALID_ARGUMENT, withResources(LinuxContainerResources.newBuilder()
                .setCpusetCpus("0-" + (Runtime.getRuntime().availableProcessors() + 64))),
                "linux.resources.cpuset_cpus", "the kernel refused");
    }

    private ContainerConfig.Builder withResources(LinuxContainerResources.Builder resources) {
        return good().setLinux(LinuxContainerConfig.newBuilder().setResources(resources));
    }

    @Test
    void anUnknownCapabilityIsInvalid() throws IOException {
        refused(Status.Code.INVALID_ARGUMENT, good().setLinux(LinuxContainerConfig.newBuilder()
                .setSecurityContext(LinuxContainerSecurityContext.newBuilder().setCapabilities(
                        Capability.newBuilder().addAddCapabilities("CAP_MAKE_COFFEE")))),
                "CAP_MAKE_COFFEE");
    }

    @Test
    void anEmptyImageNameIsInvalid() throws IOException {
        refused(Status.Code.INVALID_ARGUMENT, good().setImage(ImageSpec.newBuilder().setImage("")), "image");
    }

    @Test
    void aConfigWithoutMetadataOrWithoutNameIsInvalid() throws IOException {
        refused(Status.Code.INVALID_ARGUMENT, good().clearMetadata(), "metadata");
        refused(Status.Code.INVALID_ARGUMENT, good().setMetadata(ContainerMetadata.newBuilder().setAttempt(1)),
                "metadata.name");
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> harness.runtime().createContainer(
                CreateContainerRequest.newBuilder().setPodSandboxId(pod.id()).setSandboxConfig(pod.config()).build()),
                "config");
        assertNothingMade(Set.of());
    }

    @Test
    void aLogPathThatIsNotAbsoluteIsInvalidAndTheNameStaysFree() throws IOException {
        PodSandboxConfig noLogDirectory = PodSandboxConfig.newBuilder(pods.pod("nologs")).clearLogDirectory().build();
        PodFixture.Pod other = new PodFixture.Pod(pods.runPod(noLogDirectory), noLogDirectory);
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> pods.create(other, good().build()), "log_path");
        assertNothingMade(Set.of());
        String id = pods.create(other, good().clearLogPath().build());
        assertEquals("", pods.status(id).getLogPath());
    }

    @Test
    void aSecondContainerOfTheSameNameAlreadyExists() throws IOException {
        String first = pods.run(pod, good().build());
        String message = RpcFailures.assertFails(Status.Code.ALREADY_EXISTS, () -> pods.create(pod, good().build()),
                "main", first);
        assertNothingMade(Set.of(first));
        assertEquals(ContainerState.CONTAINER_RUNNING, pods.status(first).getState(), message);
        assertEquals("ok\n", pods.sh(first, "echo ok"));
        String nextAttempt = pods.create(pod, good().setMetadata(ContainerMetadata.newBuilder().setName("main")
                .setAttempt(1)).build());
        assertTrue(!nextAttempt.equals(first), "attempt 1 of the same name is another container");
    }

    /** A container the runtime can create: busybox sleeping, named "main". */
    private ContainerConfig.Builder good() {
        return PodFixture.container("main", busybox.reference(), "sleep", "1000");
    }

    /** Creating {@code config} fails with {@code code} and a message with {@code mentions}; nothing stays. */
    private void refused(Status.Code code, ContainerConfig.Builder config, String... mentions) throws IOException {
        ContainerConfig bad = config.build();
        Executable create = () -> pods.create(pod, bad);
        RpcFailures.assertFails(code, create, mentions);
        assertNothingMade(Set.of());
        if (bad.hasMetadata() && !bad.getMetadata().getName().isEmpty()) {
            String id = pods.create(pod, good().setMetadata(bad.getMetadata()).build());
            pods.remove(id);
        }
    }

    /** Only the containers in {@code expected} exist: listed, on disk, mounted, in cgroups, as shims. */
    private void assertNothingMade(Set<String> expected) throws IOException {
        Set<String> listed = new TreeSet<>();
        harness.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()
                .forEach(c -> listed.add(c.getId()));
        assertEquals(new TreeSet<>(expected), listed, "containers listed");
        assertEquals(new TreeSet<>(expected), names(harness.state().resolve("containers")), "bundles");
        assertEquals(new TreeSet<>(expected), names(harness.root().resolve("containers")), "layer directories");
        Set<String> records = new TreeSet<>();
        names(harness.root().resolve("metadata/containers")).forEach(n -> records.add(n.replace(".json", "")));
        assertEquals(new TreeSet<>(expected), records, "container records");
        assertEquals(expected.size(), names(harness.state().resolve("shims")).size(), "shim sockets");
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String point = line.split(" ")[4];
            if (point.startsWith(harness.state().resolve("containers").toString())) {
                mounts.add(point);
            }
        }
        assertEquals(expected.size(), mounts.size(), "container mounts: " + mounts);
        try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(Path.of("/sys/fs/cgroup"))) {
            for (Path hierarchy : hierarchies) {
                Path podCgroup = hierarchy.resolve("cortado").resolve(pod.id());
                if (Files.isDirectory(podCgroup)) {
                    Set<String> children = new TreeSet<>();
                    try (DirectoryStream<Path> entries = Files.newDirectoryStream(podCgroup, Files::isDirectory)) {
                        entries.forEach(e -> children.add(e.getFileName().toString()));
                    }
                    assertEquals(new TreeSet<>(expected), children, "container cgroups in " + podCgroup);
                }
            }
        }
    }

    private static Set<String> names(Path dir) throws IOException {
        Set<String> names = new TreeSet<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                entries.forEach(e -> names.add(e.getFileName().toString()));
            }
        }
        return names;
    }
}
