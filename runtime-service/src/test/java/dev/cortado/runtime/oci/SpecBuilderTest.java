package dev.cortado.runtime.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.LinuxContainerResources;
import dev.cortado.cri.v1.LinuxContainerSecurityContext;
import dev.cortado.cri.v1.Mount;
import dev.cortado.shim.plan.InitPlan;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecBuilderTest {

    @TempDir
    Path dir;

    private PodFixture pod;
    private BuiltSpec built;
    private JsonNode config;

    @BeforeEach
    void setUp() throws IOException {
        pod = new PodFixture(dir);
        built = new SpecBuilder(PodFixture.hostFacts(-500)).build(pod.request(pod.config().build()));
        // through text and back, as crictl inspect and runc will read it
        config = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(built.config()));
    }

    @Test
    void processOfATypicalPodContainer() {
        JsonNode process = config.get("process");
        assertEquals("1.0.2", config.get("ociVersion").asText());
        assertEquals(List.of("/docker-entrypoint.sh", "nginx", "-g", "daemon off; worker_processes 2;"),
                strings(process.get("args")));
        assertEquals(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=web-7d9",
                "NGINX_VERSION=override", "KUBERNETES_SERVICE_HOST=10.96.0.1", "HOME=/var/cache/nginx"),
                strings(process.get("env")));
        assertEquals("/srv", process.get("cwd").asText());
        assertFalse(process.get("terminal").asBoolean());
        assertEquals(101, process.get("user").get("uid").asLong());
        assertEquals(101, process.get("user").get("gid").asLong());
        assertEquals(List.of("33", "101", "2000"), strings(process.get("user").get("additionalGids")));
        JsonNode caps = process.get("capabilities");
        assertEquals(13, caps.get("bounding").size());
        assertFalse(strings(caps.get("bounding")).contains("CAP_NET_RAW"));
        assertTrue(strings(caps.get("bounding")).contains("CAP_CHOWN"));
        assertEquals(0, caps.get("effective").size(), "a non-root user keeps no effective capabilities");
        assertEquals(0, caps.get("permitted").size());
        assertTrue(process.get("noNewPrivileges").asBoolean());
        assertEquals(999, process.get("oomScoreAdj").asInt());
        assertEquals(pod.rootfs.toString(), config.get("root").get("path").asText());
        assertFalse(config.get("root").get("readonly").asBoolean());
        assertFalse(config.has("hostname"), "the container shares the pod's UTS namespace");
    }

    @Test
    void mountsInOrderWithTheKubeletsFilesWinningOverThePods() {
        List<String> destinations = new ArrayList<>();
        config.get("mounts").forEach(m -> destinations.add(m.get("destination").asText()));
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/dev/mqueue", "/sys", "/sys/fs/cgroup",
                "/etc/hosts", "/dev/termination-log", "/etc/hostname", "/etc/resolv.conf", "/dev/shm",
                "/var/run/secrets/kubernetes.io/serviceaccount"), destinations);
        JsonNode hosts = mount("/etc/hosts");
        assertEquals(dir.resolve("kubelet/etc-hosts").toString(), hosts.get("source").asText());
        assertEquals("bind", hosts.get("type").asText());
        assertEquals(List.of("rbind", "rprivate", "ro"), strings(mount("/var/run/secrets/kubernetes.io/serviceaccount")
                .get("options")));
        assertEquals(dir.resolve("pod/shm").toString(), mount("/dev/shm").get("source").asText());
        assertEquals(List.of("nosuid", "noexec", "nodev", "relatime", "ro"), strings(mount("/sys/fs/cgroup").get("options")));
        assertEquals("rprivate", config.get("linux").get("rootfsPropagation").asText());
    }

    @Test
    void linuxSection() {
        JsonNode linux = config.get("linux");
        assertEquals("/kubepods/burstable/poduid-1/c1", linux.get("cgroupsPath").asText());
        assertEquals("[{\"type\":\"pid\"},{\"type\":\"ipc\",\"path\":\"/run/cortado/ipcns/p1\"},"
                + "{\"type\":\"uts\",\"path\":\"/run/cortado/utsns/p1\"},{\"type\":\"mount\"},"
                + "{\"type\":\"network\",\"path\":\"/run/cortado/netns/p1\"}]", linux.get("namespaces").toString());
        JsonNode resources = linux.get("resources");
        assertEquals("{\"shares\":512,\"quota\":50000,\"period\":100000}", resources.get("cpu").toString());
        assertEquals(128L << 20, resources.get("memory").get("limit").asLong());
        assertFalse(resources.get("devices").get(0).get("allow").asBoolean());
        assertEquals("rwm", resources.get("devices").get(0).get("access").asText());
        assertEquals(6, linux.get("devices").size());
        assertEquals("{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":438,\"uid\":0,\"gid\":0}",
                linux.get("devices").get(0).toString());
        assertEquals(MaskedPaths.DEFAULT_MASKED, strings(linux.get("maskedPaths")));
        assertEquals(MaskedPaths.DEFAULT_READONLY, strings(linux.get("readonlyPaths")));
        assertEquals("nginx:1.27", config.get("annotations").get("io.kubernetes.cri.image-name").asText());
        assertEquals("p1", config.get("annotations").get("io.kubernetes.cri.sandbox-id").asText());
        assertEquals("container", config.get("annotations").get("io.kubernetes.cri.container-type").asText());
    }

    @Test
    void thePlanSaysWhatConfigJsonSays() {
        InitPlan plan = built.plan();
        assertEquals(strings(config.get("process").get("args")), plan.args());
        assertEquals(strings(config.get("process").get("env")), plan.env());
        assertEquals("/srv", plan.cwd());
        assertNull(plan.hostname());
        assertEquals(pod.rootfs.toString(), plan.rootfs());
        assertEquals(InitPlan.CLONE_NEWNS | InitPlan.CLONE_NEWPID, plan.newNamespaces());
        assertEquals(List.of(new InitPlan.NamespaceJoin(InitPlan.CLONE_NEWNET, "/run/cortado/netns/p1"),
                new InitPlan.NamespaceJoin(InitPlan.CLONE_NEWIPC, "/run/cortado/ipcns/p1"),
                new InitPlan.NamespaceJoin(InitPlan.CLONE_NEWUTS, "/run/cortado/utsns/p1")), plan.joins());
        assertEquals(new InitPlan.MountSpec("", "/", "", 0, "", MountFlag.PRIVATE | MountFlag.REC,
                InitPlan.MountSpec.ROOT_PROPAGATION), plan.mounts().get(0));
        for (JsonNode m : config.get("mounts")) {
            if (m.get("type").asText().equals("cgroup")) {
                continue;
            }
            String target = m.get("destination").asText();
            InitPlan.MountSpec spec = plan.mounts().stream().filter(s -> s.target().equals(target)
                    && s.kind() != InitPlan.MountSpec.SYMLINK).findFirst().orElseThrow(() -> new AssertionError(target));
            assertEquals(m.get("source").asText(), spec.source());
            assertEquals(MountOptions.parse(strings(m.get("options"))).flags(), spec.flags(), target);
        }
        assertEquals(InitPlan.MountSpec.FILE, planMount("/etc/hosts").kind());
        assertEquals(InitPlan.MountSpec.DIRECTORY, planMount("/var/run/secrets/kubernetes.io/serviceaccount").kind());
        assertEquals(dir.resolve("cgroup/memory/pod/c1").toString(), planMount("/sys/fs/cgroup/memory").source());
        assertEquals("pts/ptmx", planMount("/dev/ptmx").source());
        assertEquals(InitPlan.MountSpec.SYMLINK, planMount("/dev/ptmx").kind());
        assertEquals(MaskedPaths.DEFAULT_MASKED, plan.maskedPaths());
        assertEquals(6, plan.devices().size());
        assertEquals(101, plan.uid());
        assertEquals(101, plan.gid());
        assertEquals(List.of(33, 101, 2000), plan.groups());
        assertEquals(Capabilities.mask(Capabilities.CONTAINERD_DEFAULT) & ~LinuxCapability.NET_RAW.bit(),
                plan.capabilities().bounding());
        assertEquals(0, plan.capabilities().effective());
        assertTrue(plan.noNewPrivileges());
        assertNull(plan.seccomp());
        assertEquals(999, plan.oomScoreAdj());
        assertEquals(List.of(dir.resolve("cgroup/memory/pod/c1/cgroup.procs").toString(),
                dir.resolve("cgroup/unified/pod/c1/cgroup.procs").toString()), plan.cgroupProcs());
        assertFalse(plan.tty() || plan.stdin() || plan.stdinOnce() || plan.pause());
    }

    @Test
    void ttyStdinReadonlyRootfsAndClampedOomScore() throws IOException {
        ContainerConfig config = pod.config().setTty(true).setStdin(true).setStdinOnce(true)
                .setLinux(pod.config().getLinux().toBuilder()
                        .setResources(LinuxContainerResources.newBuilder().setOomScoreAdj(-999))
                        .setSecurityContext(LinuxContainerSecurityContext.newBuilder().setReadonlyRootfs(true)))
                .build();
        HostFacts withoutSysResource = new HostFacts("node-1", -500, 40, Path.of("/proc/self/mountinfo"),
                Capabilities.all(40) & ~LinuxCapability.SYS_RESOURCE.bit());
        BuiltSpec spec = new SpecBuilder(withoutSysResource).build(pod.request(config));
        InitPlan plan = spec.plan();
        assertTrue(plan.tty() && plan.stdin() && plan.stdinOnce() && plan.rootfsReadonly());
        assertEquals(-500, plan.oomScoreAdj(), "clamped to the daemon's own score without CAP_SYS_RESOURCE");
        assertEquals(-999, new SpecBuilder(PodFixture.hostFacts(-500)).build(pod.request(config)).plan().oomScoreAdj(),
                "a daemon with CAP_SYS_RESOURCE may lower it");
        assertTrue(plan.env().contains("TERM=xterm"));
        assertEquals(0, plan.uid());
        assertEquals(Capabilities.mask(Capabilities.CONTAINERD_DEFAULT), plan.capabilities().effective());
        assertTrue(spec.config().get("root").get("readonly").asBoolean());
        assertTrue(spec.config().get("process").get("terminal").asBoolean());
        assertEquals(List.of("rbind", "rprivate", "ro"), strings(mount(spec.config(), "/etc/hostname").get("options")),
                "pod files follow readonly_rootfs");
        assertEquals(List.of("rbind", "rprivate", "rw"), strings(mount(spec.config(), "/etc/hosts").get("options")),
                "the kubelet's own mount keeps its mode");
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        assertRefused("mounts[3].host_path: /nonexistent/x does not exist", pod.config()
                .addMounts(Mount.newBuilder().setContainerPath("/x").setHostPath("/nonexistent/x")));
        assertRefused("linux.resources.cpu_shares: -5 is negative", pod.config().setLinux(pod.config().getLinux()
                .toBuilder().setResources(LinuxContainerResources.newBuilder().setCpuShares(-5))));
        assertRefused("linux.security_context.run_as_username: user \"nobody2\" not found in the image's /etc/passwd",
                pod.config().setLinux(pod.config().getLinux().toBuilder().setSecurityContext(
                        LinuxContainerSecurityContext.newBuilder().setRunAsUsername("nobody2"))));
        assertRefused("working_dir: \"srv\" is not an absolute path", pod.config().setWorkingDir("srv"));
        assertRefused("linux.security_context.privileged: a privileged container needs a privileged pod, and pod p1"
                + " was not created with linux.security_context.privileged", pod.config().setLinux(pod.config()
                .getLinux().toBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder().setPrivileged(true))));
    }

    private void assertRefused(String message, ContainerConfig.Builder config) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SpecBuilder(PodFixture.hostFacts(0)).build(pod.request(config.build())));
        assertEquals(message, e.getMessage());
    }

    private JsonNode mount(String destination) {
        return mount(config, destination);
    }

    private static JsonNode mount(JsonNode config, String destination) {
        for (JsonNode m : config.get("mounts")) {
            if (m.get("destination").asText().equals(destination)) {
                return m;
            }
        }
        throw new AssertionError("no mount at " + destination);
    }

    private InitPlan.MountSpec planMount(String target) {
        return built.plan().mounts().stream().filter(m -> m.target().equals(target)).findFirst()
                .orElseThrow(() -> new AssertionError("no plan mount at " + target));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
