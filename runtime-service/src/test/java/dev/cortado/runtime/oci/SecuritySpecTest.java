package dev.cortado.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.cri.v1.Capability;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.LinuxContainerSecurityContext;
import dev.cortado.cri.v1.LinuxPodSandboxConfig;
import dev.cortado.cri.v1.LinuxSandboxSecurityContext;
import dev.cortado.cri.v1.Mount;
import dev.cortado.cri.v1.MountPropagation;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.SELinuxOption;
import dev.cortado.cri.v1.SecurityProfile;
import dev.cortado.rpc.CriException;
import dev.cortado.shim.plan.InitPlan;
import io.grpc.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The security context as the spec builder writes it down: privileged, sysctls, rro mounts, LSMs. */
class SecuritySpecTest {

    @TempDir
    Path dir;

    private PodFixture pod;

    @BeforeEach
    void setUp() {
        pod = new PodFixture(dir);
    }

    private BuiltSpec build(ContainerConfig config, PodSandboxConfig sandbox) throws IOException {
        ContainerRequest request = pod.request(config);
        return new SpecBuilder(PodFixture.hostFacts(0), SecurityModules.NONE).build(new ContainerRequest(
                request.containerId(), request.sandboxId(), config, sandbox, request.image(), request.rootfs(),
                request.namespaces(), request.podFiles(), request.cgroups(), request.logPath()));
    }

    private ContainerConfig.Builder withSecurity(LinuxContainerSecurityContext.Builder security) {
        ContainerConfig.Builder config = pod.config();
        return config.setLinux(config.getLinux().toBuilder().setSecurityContext(security));
    }

    private PodSandboxConfig privilegedPod() {
        return pod.sandbox().toBuilder().setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                LinuxSandboxSecurityContext.newBuilder().setPrivileged(true))).build();
    }

    @Test
    void privilegedGetsEverythingAndKeepsNothingBack() throws IOException {
        BuiltSpec built = build(withSecurity(LinuxContainerSecurityContext.newBuilder().setPrivileged(true)
                .setCapabilities(Capability.newBuilder().addDropCapabilities("ALL"))
                .addAllMaskedPaths(MaskedPaths.DEFAULT_MASKED).addAllReadonlyPaths(MaskedPaths.DEFAULT_READONLY))
                .build(), privilegedPod());
        assertTrue(built.spec().privileged());
        long all = Capabilities.all(40);
        // root: drop ALL is ignored for privileged, as containerd ignores add/drop there
        assertEquals(new InitPlan.Capabilities(all, all, 0, all, 0), built.plan().capabilities());
        assertEquals(List.of(), built.plan().maskedPaths());
        assertEquals(List.of(), built.plan().readonlyPaths());
        assertEquals(List.of(new DeviceRule(true, "a", -1, -1, "rwm")), built.spec().deviceRules());
        List<String> devices = built.plan().devices().stream().map(InitPlan.DeviceNode::path).toList();
        assertTrue(devices.contains("/dev/null") && devices.contains("/dev/tty"), devices.toString());
        assertEquals(devices.size(), devices.stream().distinct().count(), "each node once: " + devices);
        assertFalse(devices.contains("/dev/ptmx"), "ptmx stays a link into the container's devpts");
        JsonNode config = json(built);
        assertEquals(List.of("nosuid", "noexec", "nodev", "rw"), strings(mount(config, "/sys").get("options")));
        assertTrue(strings(mount(config, "/sys/fs/cgroup").get("options")).contains("rw"));
        for (InitPlan.MountSpec m : built.plan().mounts()) {
            if (m.target().startsWith("/sys/fs/cgroup/") && m.fsType().equals("bind")) {
                assertEquals(0, m.flags() & MountFlag.RDONLY, "writable cgroup " + m.target());
            }
        }
    }

    @Test
    void allMeansWhatTheDaemonHoldsAndAWithheldCapabilityIsRefused() throws IOException {
        long withoutSysResource = Capabilities.all(40) & ~LinuxCapability.SYS_RESOURCE.bit();
        HostFacts node = new HostFacts("node-1", 0, 40, Path.of("/proc/self/mountinfo"), withoutSysResource);
        SpecBuilder builder = new SpecBuilder(node, SecurityModules.NONE);
        ContainerRequest privileged = pod.request(withSecurity(LinuxContainerSecurityContext.newBuilder()
                .setPrivileged(true)).build());
        assertEquals(withoutSysResource, builder.build(new ContainerRequest(privileged.containerId(),
                privileged.sandboxId(), privileged.config(), privilegedPod(), privileged.image(), privileged.rootfs(),
                privileged.namespaces(), privileged.podFiles(), privileged.cgroups(), privileged.logPath()))
                .plan().capabilities().bounding());
        assertEquals(withoutSysResource, builder.build(pod.request(withSecurity(LinuxContainerSecurityContext
                .newBuilder().setCapabilities(Capability.newBuilder().addAddCapabilities("ALL"))).build()))
                .plan().capabilities().effective());
        CriException withheld = assertThrows(CriException.class, () -> builder.build(pod.request(withSecurity(
                LinuxContainerSecurityContext.newBuilder().setCapabilities(Capability.newBuilder()
                        .addAddCapabilities("SYS_RESOURCE"))).build())));
        assertEquals(Status.Code.FAILED_PRECONDITION, withheld.code());
        assertTrue(withheld.getMessage().contains("CAP_SYS_RESOURCE is not in the daemon's bounding set"),
                withheld.getMessage());
    }

    @Test
    void privilegedNonRootHasTheFullBoundingSetOnly() throws IOException {
        BuiltSpec built = build(withSecurity(LinuxContainerSecurityContext.newBuilder().setPrivileged(true)
                .setRunAsUser(dev.cortado.cri.v1.Int64Value.newBuilder().setValue(1000))).build(), privilegedPod());
        assertEquals(new InitPlan.Capabilities(Capabilities.all(40), 0, 0, 0, 0), built.plan().capabilities());
    }

    @Test
    void unprivilegedKeepsTheKubeletsListsExactlyAndEmptyMeansUnmasked() throws IOException {
        BuiltSpec masked = build(withSecurity(LinuxContainerSecurityContext.newBuilder()
                .addMaskedPaths("/proc/kcore").addReadonlyPaths("/proc/sys")).build(), pod.sandbox());
        assertEquals(List.of("/proc/kcore"), masked.plan().maskedPaths());
        assertEquals(List.of("/proc/sys"), masked.plan().readonlyPaths());
        assertFalse(masked.spec().privileged());
        assertTrue(masked.spec().deviceRules().contains(DeviceRule.denyAll()));
        JsonNode config = json(masked);
        assertTrue(strings(mount(config, "/sys").get("options")).contains("ro"));
        BuiltSpec unmasked = build(withSecurity(LinuxContainerSecurityContext.newBuilder()).build(), pod.sandbox());
        assertEquals(List.of(), unmasked.plan().maskedPaths(), "procMount Unmasked: the kubelet sends empty lists");
        assertEquals(List.of(), unmasked.plan().readonlyPaths());
        ContainerConfig.Builder noContext = pod.config();
        BuiltSpec defaults = build(noContext.setLinux(noContext.getLinux().toBuilder().clearSecurityContext())
                .build(), pod.sandbox());
        assertEquals(MaskedPaths.DEFAULT_MASKED, defaults.plan().maskedPaths(), "no security context at all");
        assertEquals(MaskedPaths.DEFAULT_READONLY, defaults.plan().readonlyPaths());
    }

    @Test
    void podSysctlsBecomeInitRecordsAndOthersAreRefused() throws IOException {
        PodSandboxConfig sysctls = pod.sandbox().toBuilder().setLinux(LinuxPodSandboxConfig.newBuilder()
                .putSysctls("net/ipv4/ip_unprivileged_port_start", "80")
                .putSysctls("kernel.shm_rmid_forced", "1")).build();
        BuiltSpec built = build(pod.config().build(), sysctls);
        assertEquals(Map.of("net.ipv4.ip_unprivileged_port_start", "80", "kernel.shm_rmid_forced", "1"),
                built.plan().sysctls());
        IllegalArgumentException panic = assertThrows(IllegalArgumentException.class, () -> build(pod.config()
                .build(), pod.sandbox().toBuilder().setLinux(LinuxPodSandboxConfig.newBuilder()
                .putSysctls("kernel.panic", "10")).build()));
        assertTrue(panic.getMessage().startsWith("linux.sysctls[\"kernel.panic\"]: \"kernel.panic\" is not a"
                + " namespaced sysctl"), panic.getMessage());
    }

    @Test
    void recursiveReadOnlyNeedsReadonlyAndPrivatePropagation() throws IOException {
        Mount.Builder rro = Mount.newBuilder().setContainerPath("/data")
                .setHostPath(dir.resolve("volumes/token").toString()).setReadonly(true).setRecursiveReadOnly(true);
        BuiltSpec built = build(pod.config().addMounts(rro).build(), pod.sandbox());
        assertEquals(List.of("rbind", "rprivate", "rro"), strings(mount(json(built), "/data").get("options")));
        InitPlan.MountSpec planned = built.plan().mounts().stream().filter(m -> m.target().equals("/data"))
                .findFirst().orElseThrow();
        long wanted = MountFlag.BIND | MountFlag.REC | MountFlag.RDONLY | MountFlag.RECURSIVE_READONLY;
        assertEquals(wanted, planned.flags() & wanted);
        InitPlan.MountSpec plain = built.plan().mounts().stream()
                .filter(m -> m.target().equals("/var/run/secrets/kubernetes.io/serviceaccount")).findFirst().orElseThrow();
        assertEquals(0, plain.flags() & MountFlag.RECURSIVE_READONLY, "plain readonly is not recursive");
        IllegalArgumentException slave = assertThrows(IllegalArgumentException.class, () -> build(pod.config()
                .addMounts(rro.clone().setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER)).build(),
                pod.sandbox()));
        assertTrue(slave.getMessage().startsWith("mounts[3].recursive_read_only: needs propagation"),
                slave.getMessage());
    }

    @Test
    void appArmorProfilesAreRefusedWhereTheyCannotBeAppliedAndSeLinuxOptionsAccepted() throws IOException {
        build(withSecurity(LinuxContainerSecurityContext.newBuilder().setApparmor(SecurityProfile.newBuilder()
                .setProfileType(SecurityProfile.ProfileType.Unconfined))
                .setSelinuxOptions(SELinuxOption.newBuilder().setLevel("s0:c1,c2"))).build(), pod.sandbox());
        CriException localhost = assertThrows(CriException.class, () -> build(withSecurity(
                LinuxContainerSecurityContext.newBuilder().setApparmor(SecurityProfile.newBuilder()
                        .setProfileType(SecurityProfile.ProfileType.Localhost).setLocalhostRef("k8s-nginx")))
                .build(), pod.sandbox()));
        assertEquals(Status.Code.FAILED_PRECONDITION, localhost.code());
        assertTrue(localhost.getMessage().contains("linux.security_context.apparmor: AppArmor profile Localhost"
                + " \"k8s-nginx\" was requested, but AppArmor is not enabled"), localhost.getMessage());
        CriException old = assertThrows(CriException.class, () -> build(withSecurity(
                LinuxContainerSecurityContext.newBuilder().setApparmorProfile("runtime/default")).build(),
                pod.sandbox()));
        assertTrue(old.getMessage().contains("apparmor_profile"), old.getMessage());
    }

    private static JsonNode json(BuiltSpec built) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        return mapper.readTree(mapper.writeValueAsString(built.config()));
    }

    private static JsonNode mount(JsonNode config, String destination) {
        for (JsonNode m : config.get("mounts")) {
            if (m.get("destination").asText().equals(destination)) {
                return m;
            }
        }
        throw new AssertionError("no mount at " + destination);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
