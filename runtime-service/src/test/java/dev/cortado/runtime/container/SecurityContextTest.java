package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.Capability;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.Device;
import dev.cortado.cri.v1.ExecSyncResponse;
import dev.cortado.cri.v1.Int64Value;
import dev.cortado.cri.v1.LinuxContainerConfig;
import dev.cortado.cri.v1.LinuxContainerSecurityContext;
import dev.cortado.cri.v1.LinuxPodSandboxConfig;
import dev.cortado.cri.v1.LinuxSandboxSecurityContext;
import dev.cortado.cri.v1.ListPodSandboxRequest;
import dev.cortado.cri.v1.Mount;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.StatusRequest;
import dev.cortado.cri.v1.StatusResponse;
import dev.cortado.cri.v1.SupplementalGroupsPolicy;
import dev.cortado.hack.image.TestImage;
import dev.cortado.runtime.daemon.RpcFailures;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The security context on a real kernel, through the daemon: capability sets as the process
 * sees them, privileged containers, a read-only root, no_new_privs against a setuid binary,
 * pod sysctls, the user's groups under both supplemental-groups policies, and the features
 * Status reports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityContextTest {

    /** containerd's default set as /proc/<pid>/status prints it. */
    private static final String DEFAULT_CAPS = "00000000a80425fb";
    private static final String NONE = "0000000000000000";
    private static final String NET_BIND_SERVICE = "0000000000000400";

    private ContainerHarness harness;
    private PodFixture pods;
    private TestImage image;
    private long allCaps;

    @BeforeAll
    void startDaemon() throws Exception {
        harness = ContainerHarness.start("ctr-security");
        pods = harness.pods();
        image = SecurityImages.security(harness.registry());
        pods.pull(image.reference());
        int last = Integer.parseInt(sysctl(Path.of("/proc/sys/kernel/cap_last_cap")));
        // "ALL" is what the kernel knows and the daemon (like this JVM) holds
        long bounding = Long.parseUnsignedLong(Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapBnd:")).findFirst().orElseThrow().substring(7).trim(), 16);
        allCaps = ((1L << (last + 1)) - 1) & bounding;
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @AfterEach
    void removePods() {
        harness.removeAllPods();
    }

    private ContainerConfig.Builder sleeper(String name, LinuxContainerSecurityContext.Builder security) {
        return PodFixture.container(name, image.reference(), "sleep", "1000")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(security));
    }

    /** CapInh, CapPrm, CapEff, CapBnd, CapAmb of the container's process, as the kernel reports them. */
    private Map<String, String> capabilities(String containerId) {
        Map<String, String> caps = new TreeMap<>();
        for (String line : pods.sh(containerId, "grep ^Cap /proc/1/status").lines().toList()) {
            String[] fields = line.split(":\\s*");
            caps.put(fields[0], fields[1].trim());
        }
        return caps;
    }

    private static Map<String, String> sets(String inh, String prm, String eff, String bnd, String amb) {
        return new TreeMap<>(Map.of("CapInh", inh, "CapPrm", prm, "CapEff", eff, "CapBnd", bnd, "CapAmb", amb));
    }

    private static String hex(long mask) {
        return String.format("%016x", mask);
    }

    private static Int64Value id(long value) {
        return Int64Value.newBuilder().setValue(value).build();
    }

    @Test
    void capabilitySetsForRootAfterAddDropAndAll() {
        PodFixture.Pod pod = pods.startPod("caps-root");
        String plain = pods.run(pod, sleeper("plain", LinuxContainerSecurityContext.newBuilder()).build());
        assertEquals(sets(NONE, DEFAULT_CAPS, DEFAULT_CAPS, DEFAULT_CAPS, NONE), capabilities(plain));

        String onlyBind = pods.run(pod, sleeper("only-bind", LinuxContainerSecurityContext.newBuilder()
                .setCapabilities(Capability.newBuilder().addDropCapabilities("ALL")
                        .addAddCapabilities("cap_net_bind_service"))).build());
        assertEquals(sets(NONE, NET_BIND_SERVICE, NET_BIND_SERVICE, NET_BIND_SERVICE, NONE), capabilities(onlyBind));

        String allButChown = pods.run(pod, sleeper("all-but-chown", LinuxContainerSecurityContext.newBuilder()
                .setCapabilities(Capability.newBuilder().addAddCapabilities("all").addDropCapabilities("CHOWN")))
                .build());
        String expected = hex(allCaps & ~1L);
        assertEquals(sets(NONE, expected, expected, expected, NONE), capabilities(allButChown));
        assertEquals("denied\n", pods.sh(allButChown, "chown 1 /tmp 2>/dev/null || echo denied"));
    }

    @Test
    void capabilitySetsForNonRootKeepOnlyTheBoundingSetUnlessAmbient() {
        PodFixture.Pod pod = pods.startPod("caps-user");
        String added = pods.run(pod, sleeper("added", LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(id(SecurityImages.APP_UID))
                .setCapabilities(Capability.newBuilder().addAddCapabilities("NET_ADMIN"))).build());
        assertEquals(sets(NONE, NONE, NONE, hex(0xa80425fbL | 1L << 12), NONE), capabilities(added));

        String ambient = pods.run(pod, sleeper("ambient", LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(id(SecurityImages.APP_UID))
                .setCapabilities(Capability.newBuilder().addAddAmbientCapabilities("NET_BIND_SERVICE"))).build());
        assertEquals(sets(NET_BIND_SERVICE, NET_BIND_SERVICE, NET_BIND_SERVICE, DEFAULT_CAPS, NET_BIND_SERVICE),
                capabilities(ambient));
    }

    @Test
    void aPrivilegedContainerCanMountAndSeesTheHostsDevicesAnUnprivilegedOneCannot() {
        PodSandboxConfig privilegedPod = PodSandboxConfig.newBuilder(pods.pod("privileged"))
                .setLinux(LinuxPodSandboxConfig.newBuilder(pods.pod("privileged").getLinux())
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder(
                                pods.pod("privileged").getLinux().getSecurityContext()).setPrivileged(true)))
                .build();
        PodFixture.Pod pod = new PodFixture.Pod(pods.runPod(privilegedPod), privilegedPod);
        String privileged = pods.run(pod, sleeper("privileged", LinuxContainerSecurityContext.newBuilder()
                .setPrivileged(true).addMaskedPaths("/proc/kcore")).build());
        assertEquals("mounted\n", pods.sh(privileged,
                "mkdir -p /mnt && mount -t tmpfs none /mnt && grep -q ' /mnt tmpfs ' /proc/mounts && echo mounted"));
        assertEquals(hex(allCaps), capabilities(privileged).get("CapEff"));
        assertTrue(pods.sh(privileged, "grep ' /sys sysfs ' /proc/mounts").contains(" rw,"), "/sys is writable");
        assertTrue(pods.sh(privileged, "test -c /dev/kmsg && echo host-device").contains("host-device"));
        assertEquals("0", pods.sh(privileged, "grep -c ' /proc/kcore ' /proc/mounts || true").trim(),
                "nothing is masked for a privileged container");

        PodFixture.Pod plainPod = pods.startPod("unprivileged");
        String plain = pods.run(plainPod, sleeper("plain", LinuxContainerSecurityContext.newBuilder()).build());
        ExecSyncResponse refused = pods.exec(plain, 30, "sh", "-c", "mkdir -p /mnt && mount -t tmpfs none /mnt");
        assertNotEquals(0, refused.getExitCode(), "mount without CAP_SYS_ADMIN");
        assertEquals("absent\n", pods.sh(plain, "test -e /dev/kmsg || echo absent"));

        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> pods.create(plainPod,
                sleeper("wants-privileges", LinuxContainerSecurityContext.newBuilder().setPrivileged(true)).build()),
                "linux.security_context.privileged", "privileged pod");
    }

    @Test
    void theDeviceCgroupLetsAContainerUseOnlyDefaultAndRequestedDevices() {
        PodFixture.Pod pod = pods.startPod("devices");
        String plain = pods.run(pod, sleeper("plain", LinuxContainerSecurityContext.newBuilder()).build());
        ExecSyncResponse denied = pods.exec(plain, 30, "sh", "-c",
                "mknod /dev/kmsg-copy c 1 11 && echo made; echo cortado-device-test > /dev/kmsg-copy");
        assertEquals("made\n", denied.getStdout().toStringUtf8(), "mknod is allowed, using the node is not");
        assertNotEquals(0, denied.getExitCode());
        assertTrue(denied.getStderr().toStringUtf8().contains("Operation not permitted"),
                denied.getStderr().toStringUtf8());
        String given = pods.run(pod, sleeper("given", LinuxContainerSecurityContext.newBuilder())
                .addDevices(Device.newBuilder().setHostPath("/dev/kmsg").setContainerPath("/dev/kmsg")
                        .setPermissions("w")).build());
        assertEquals("written\n", pods.sh(given, "echo cortado-device-test > /dev/kmsg && echo written"));
    }

    @Test
    void aReadOnlyRootRefusesWrites() {
        PodFixture.Pod pod = pods.startPod("readonly");
        String id = pods.run(pod, sleeper("ro", LinuxContainerSecurityContext.newBuilder().setReadonlyRootfs(true))
                .build());
        ExecSyncResponse write = pods.exec(id, 30, "touch", "/new-file");
        assertNotEquals(0, write.getExitCode());
        assertTrue(write.getStderr().toStringUtf8().contains("Read-only file system"), write.getStderr().toStringUtf8());
        assertEquals("shm\n", pods.sh(id, "touch /dev/shm/x && echo shm"));
    }

    @Test
    void noNewPrivsKeepsASetuidBinaryFromRaisingTheUid() {
        PodFixture.Pod pod = pods.startPod("nnp");
        String su = SecurityImages.SUID_BUSYBOX + " su root -c 'id -u'";
        String without = pods.run(pod, sleeper("without", LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(id(SecurityImages.APP_UID))).build());
        assertEquals("0\n", pods.sh(without, su), "the setuid binary works without no_new_privs");

        String with = pods.run(pod, sleeper("with", LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(id(SecurityImages.APP_UID)).setNoNewPrivs(true)).build());
        ExecSyncResponse blocked = pods.exec(with, 30, "sh", "-c", su);
        assertNotEquals(0, blocked.getExitCode(), blocked.getStdout().toStringUtf8());
        assertTrue(blocked.getStderr().toStringUtf8().contains("must be suid"), blocked.getStderr().toStringUtf8());
        assertEquals("1\n", pods.sh(with, "grep ^NoNewPrivs /proc/self/status | tr -dc '0-9'; echo"));
    }

    @Test
    void podSysctlsLandInThePodsNamespacesAndNotTheHosts() throws IOException {
        Path portStart = Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start");
        Path rmidForced = Path.of("/proc/sys/kernel/shm_rmid_forced");
        String hostPortStart = sysctl(portStart);
        String hostRmid = sysctl(rmidForced);
        String wantedPort = hostPortStart.equals("80") ? "81" : "80";
        String wantedRmid = hostRmid.equals("1") ? "0" : "1";
        PodSandboxConfig base = pods.pod("sysctls");
        PodSandboxConfig config = base.toBuilder().setLinux(base.getLinux().toBuilder()
                .putSysctls("net.ipv4.ip_unprivileged_port_start", wantedPort)
                .putSysctls("kernel/shm_rmid_forced", wantedRmid)).build();
        PodFixture.Pod pod = new PodFixture.Pod(pods.runPod(config), config);
        String id = pods.run(pod, sleeper("main", LinuxContainerSecurityContext.newBuilder()).build());
        assertEquals(wantedPort + "\n" + wantedRmid + "\n", pods.sh(id,
                "cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shm_rmid_forced"));
        assertEquals(hostPortStart, sysctl(portStart), "the host's value is untouched");
        assertEquals(hostRmid, sysctl(rmidForced), "the host's value is untouched");
    }

    @Test
    void runAsGroupAndSupplementalGroupsUnderBothPolicies() {
        PodFixture.Pod pod = pods.startPod("groups");
        LinuxContainerSecurityContext.Builder security = LinuxContainerSecurityContext.newBuilder()
                .setRunAsUser(id(SecurityImages.APP_UID)).setRunAsGroup(id(3000)).addSupplementalGroups(4000);
        String merge = pods.run(pod, sleeper("merge", security.clone()
                .setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Merge)).build());
        assertEquals("1000 3000\n", pods.sh(merge, "echo $(id -u) $(id -g)"));
        assertEquals(Set.of(3000L, 10L, 50L, 4000L), groups(pods.sh(merge, "id -G")));
        String strict = pods.run(pod, sleeper("strict", security.clone()
                .setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict)).build());
        assertEquals("1000 3000\n", pods.sh(strict, "echo $(id -u) $(id -g)"));
        assertEquals(Set.of(3000L, 4000L), groups(pods.sh(strict, "id -G")));
        assertEquals(Set.of(3000L, 4000L), Set.copyOf(pods.status(strict).getUser().getLinux()
                .getSupplementalGroupsList()));
    }

    @Test
    void aRecursiveReadOnlyMountMakesItsSubmountsReadOnlyToo() throws IOException {
        Path volume = Files.createDirectories(harness.dir().resolve("rro-volume"));
        try (TestMounts mounts = new TestMounts()) {
            mounts.tmpfs(volume.resolve("sub"));
            PodFixture.Pod pod = pods.startPod("rro");
            String id = pods.run(pod, sleeper("rro", LinuxContainerSecurityContext.newBuilder())
                    .addMounts(Mount.newBuilder().setHostPath(volume.toString()).setContainerPath("/data")
                            .setReadonly(true).setRecursiveReadOnly(true))
                    .addMounts(Mount.newBuilder().setHostPath(volume.toString()).setContainerPath("/plain")
                            .setReadonly(true)).build());
            assertEquals("top-readonly\nsub-readonly\n", pods.sh(id, "touch /data/x 2>/dev/null || echo top-readonly;"
                    + " touch /data/sub/x 2>/dev/null || echo sub-readonly"));
            // plain readonly, as the CRI defines it: the top mount only
            assertEquals("top-readonly\nsub-writable\n", pods.sh(id, "touch /plain/x 2>/dev/null || echo top-readonly;"
                    + " touch /plain/sub/y && echo sub-writable"));
            assertTrue(Files.exists(volume.resolve("sub/y")));
            RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> pods.create(pod, sleeper("rro-rw",
                    LinuxContainerSecurityContext.newBuilder()).addMounts(Mount.newBuilder()
                    .setHostPath(volume.toString()).setContainerPath("/data").setRecursiveReadOnly(true)).build()),
                    "mounts[0].recursive_read_only", "readonly");
            harness.removeAllPods();
        }
    }

    @Test
    void statusReportsRecursiveReadOnlyMountsAndTheMissingSecurityModules() {
        StatusResponse status = harness.runtime().status(StatusRequest.newBuilder().setVerbose(true).build());
        assertTrue(status.getRuntimeHandlers(0).getFeatures().getRecursiveReadOnlyMounts());
        assertEquals(false, status.getRuntimeHandlers(0).getFeatures().getUserNamespaces());
        assertTrue(status.getFeatures().getSupplementalGroupsPolicy());
        assertTrue(status.getInfoOrThrow("securityModules").contains("\"apparmor\":\"unavailable"),
                status.getInfoOrThrow("securityModules"));
    }

    @Test
    void badSysctlsRefuseThePodAndLeaveNoPod() {
        PodSandboxConfig base = pods.pod("bad-sysctl");
        PodSandboxConfig panic = base.toBuilder().setLinux(base.getLinux().toBuilder()
                .putSysctls("kernel.panic", "10")).build();
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> pods.runPod(panic), "kernel.panic",
                "not a namespaced sysctl");
        PodSandboxConfig hostNetwork = pods.pod("host-net-sysctl", NamespaceMode.NODE, NamespaceMode.CONTAINER);
        PodSandboxConfig netOnHost = hostNetwork.toBuilder().setLinux(hostNetwork.getLinux().toBuilder()
                .putSysctls("net.ipv4.ip_forward", "1")).build();
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> pods.runPod(netOnHost), "net.ipv4.ip_forward",
                "node's network namespace");
        PodSandboxConfig escape = base.toBuilder().setLinux(base.getLinux().toBuilder()
                .putSysctls("net/../kernel/panic", "10")).build();
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> pods.runPod(escape), "net/../kernel/panic");
        assertEquals(0, harness.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
    }

    @Test
    void badSecurityFieldsRefuseTheContainerAndLeaveNothing() throws IOException {
        PodSandboxConfig base = pods.pod("bad-fields");
        PodSandboxConfig absurdPort = base.toBuilder().setLinux(base.getLinux().toBuilder()
                .putSysctls("net.ipv4.ip_unprivileged_port_start", "99999999999")).build();
        PodFixture.Pod pod = new PodFixture.Pod(pods.runPod(absurdPort), absurdPort);
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> pods.create(pod,
                sleeper("absurd-sysctl", LinuxContainerSecurityContext.newBuilder()).build()),
                "net.ipv4.ip_unprivileged_port_start", "kernel refused");
        assertNoContainers();
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> pods.create(pod, sleeper("unknown-cap",
                LinuxContainerSecurityContext.newBuilder().setCapabilities(Capability.newBuilder()
                        .addDropCapabilities("CHOWN").addDropCapabilities("CAP_TELEPORT"))).build()),
                "capabilities.drop_capabilities[1]", "CAP_TELEPORT");
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> pods.create(pod, sleeper("absurd-group",
                LinuxContainerSecurityContext.newBuilder().setRunAsUser(id(1000)).setRunAsGroup(id(1L << 40)))
                .build()), "run_as_group");
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> pods.create(pod, sleeper("negative-group",
                LinuxContainerSecurityContext.newBuilder().addSupplementalGroups(-3)).build()),
                "supplemental_groups[0]");
        assertNoContainers();
    }

    /** No container listed, recorded, bundled or mounted. */
    private void assertNoContainers() throws IOException {
        assertEquals(0, harness.containerCount(), "containers listed");
        for (Path dir : new Path[] {harness.state().resolve("containers"), harness.root().resolve("containers"),
                harness.root().resolve("metadata/containers")}) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> entries = Files.list(dir)) {
                    assertEquals(List.of(), entries.toList(), "left in " + dir);
                }
            }
        }
        String containers = harness.state().resolve("containers").toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            assertTrue(!line.split(" ")[4].startsWith(containers), "mount left: " + line);
        }
    }

    /** A numeric sysctl answers only a read from offset 0, which Files.readString does not make. */
    private static String sysctl(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
    }

    private static Set<Long> groups(String idOutput) {
        return Arrays.stream(idOutput.trim().split("\\s+")).map(Long::parseLong)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
