package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ExecSyncResponse;
import dev.cortado.cri.v1.Int64Value;
import dev.cortado.cri.v1.LinuxContainerConfig;
import dev.cortado.cri.v1.LinuxContainerSecurityContext;
import dev.cortado.cri.v1.LinuxContainerUser;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a container can see of the node: its own processes, its own mounts, its own root (no
 * way out through ".."), its pod's hostname, containerd's default capabilities, and the user
 * the image or the kubelet asked for.
 */
class IsolationTest extends BusyboxDaemonTest {

    /** containerd's default capability set (CHOWN ... AUDIT_WRITE), as /proc/<pid>/status prints it. */
    private static final String DEFAULT_CAPS = "00000000a80425fb";
    private static final String NO_CAPS = "0000000000000000";

    private TestImage withUser;

    IsolationTest() {
        super("ctr-isolation");
    }

    @Override
    protected void prepare() throws Exception {
        withUser = TestImages.withUser(harness.registry());
        pods.pull(withUser.reference());
    }

    @Test
    void procShowsOnlyTheContainersProcessesWithItsEntrypointAsPidOne() {
        PodFixture.Pod pod = pods.startPod("procs");
        String id = pods.run(pod, "main", busybox.reference(), "sleep", "1000");
        assertEquals("sleep\0" + "1000\0", pods.sh(id, "cat /proc/1/cmdline"));
        Map<String, String> processes = new TreeMap<>();
        ExecSyncResponse psRun = pods.exec(id, 10, "ps", "-o", "pid,args");
        assertEquals(0, psRun.getExitCode(), psRun.getStderr().toStringUtf8());
        String ps = psRun.getStdout().toStringUtf8();
        for (String line : ps.lines().skip(1).toList()) {
            String[] fields = line.trim().split("\\s+", 2);
            processes.put(fields[1], fields[0]);
        }
        assertEquals(List.of("ps -o pid,args", "sleep 1000"), List.copyOf(processes.keySet()), ps);
        assertEquals("1", processes.get("sleep 1000"), ps);
        long hostPid = pods.info(id).get("pid").asLong();
        assertTrue(hostPid > 1 && HostLeftovers.alive(hostPid), "on the host it has its own pid " + hostPid);
    }

    @Test
    void theContainersMountsAndFilesStayInside() throws Exception {
        PodFixture.Pod pod = pods.startPod("mounts");
        String id = pods.run(pod, "main", busybox.reference(), "sleep", "1000");
        long pid = pods.info(id).get("pid").asLong();
        Path merged = Path.of(pods.info(id).at("/layers/merged").asText());
        Path upper = Path.of(pods.info(id).at("/layers/upperdir").asText());

        List<String> inside = mountPoints(Path.of("/proc/" + pid + "/mountinfo"));
        // /etc/hostname, hosts and resolv.conf are files of the init layer here, not bind mounts
        for (String expected : List.of("/", "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys",
                "/sys/fs/cgroup")) {
            assertTrue(inside.contains(expected), expected + " is not mounted in the container: " + inside);
        }
        assertTrue(inside.stream().noneMatch(m -> m.startsWith("/mnt/sandboxing") || m.contains(harness.dir()
                .toString())), "host mounts leak into the container: " + inside);
        List<String> host = mountPoints(Path.of("/proc/self/mountinfo"));
        assertEquals(List.of(merged.toString()), host.stream().filter(m -> m.startsWith(merged.toString())).toList(),
                "the host sees the container's root, and none of the mounts made inside it");
        assertEquals(inside, mountPoints(pods.sh(id, "cat /proc/self/mountinfo")), "an exec sees the same mounts");

        String name = "cortado-isolation-" + UUID.randomUUID();
        pods.sh(id, "echo secret > /tmp/" + name);
        assertFalse(Files.exists(Path.of("/tmp", name)), "a file in the container's /tmp appeared in the host's");
        assertEquals("secret\n", Files.readString(upper.resolve("tmp").resolve(name)));
    }

    @Test
    void dotDotStaysAtTheContainersRoot() throws Exception {
        PodSandboxConfig config = PodSandboxConfig.newBuilder(pods.pod("escape")).setHostname("escape-host").build();
        PodFixture.Pod pod = new PodFixture.Pod(pods.runPod(config), config);
        String id = pods.run(pod, "main", busybox.reference(), "sleep", "1000");
        Path merged = Path.of(pods.info(id).at("/layers/merged").asText());
        Path besideRoot = merged.resolveSibling("marker-" + UUID.randomUUID());
        Path inTempDir = harness.dir().resolve("marker-" + UUID.randomUUID());
        Files.writeString(besideRoot, "host\n");
        Files.writeString(inTempDir, "host\n");

        assertEquals(pods.sh(id, "ls -a /"), pods.sh(id, "ls -a /../../.."));
        assertEquals(pods.sh(id, "ls -a /"), pods.sh(id, "cd /; cd ..; cd ..; ls -a"));
        assertEquals("escape-host\n", pods.sh(id, "cat /../../etc/hostname"));
        assertEquals("escape-host\n", pods.sh(id, "hostname"));
        assertEquals("escape-host\n", pods.sh(id, "cat /etc/hostname"));
        for (String path : List.of("/../" + besideRoot.getFileName(), "/../../../../../" + besideRoot.getFileName(),
                "/proc/1/root/../" + besideRoot.getFileName(), inTempDir.toString(), "/work")) {
            ExecSyncResponse test = pods.exec(id, 10, "test", "-e", path);
            assertEquals(1, test.getExitCode(), path + " is reachable from the container");
        }
    }

    @Test
    void aRootContainerHasContainerdsDefaultCapabilities() throws Exception {
        PodFixture.Pod pod = pods.startPod("caps");
        String id = pods.run(pod, "main", busybox.reference(), "sleep", "1000");
        long pid = pods.info(id).get("pid").asLong();
        Map<String, String> fromHost = capabilities(Files.readString(Path.of("/proc/" + pid + "/status")));
        assertEquals(Map.of("CapBnd", DEFAULT_CAPS, "CapEff", DEFAULT_CAPS, "CapPrm", DEFAULT_CAPS,
                "CapInh", NO_CAPS, "CapAmb", NO_CAPS), fromHost);
        assertEquals(fromHost, capabilities(pods.sh(id, "cat /proc/1/status")));
        assertEquals(fromHost, capabilities(pods.sh(id, "cat /proc/self/status")), "an exec gets the same sets");
    }

    @Test
    void theImagesUserRunsTheContainer() throws Exception {
        PodFixture.Pod pod = pods.startPod("imageuser");
        String id = pods.run(pod, "main", withUser.reference(), "sleep", "1000");
        assertEquals("uid=1234(app) gid=5678(app) groups=5678(app)\n", pods.sh(id, "id"));
        assertEquals("/home/app\n", pods.sh(id, "pwd"));
        assertEquals(user(1234, 5678, 5678), pods.status(id).getUser().getLinux());
        long pid = pods.info(id).get("pid").asLong();
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        assertTrue(status.contains("\nUid:\t1234\t1234\t1234\t1234\n") && status.contains("\nGid:\t5678\t5678\t5678\t5678\n"),
                status);
        Map<String, String> caps = capabilities(status);
        assertEquals(NO_CAPS, caps.get("CapEff"), "a non-root process has no effective capabilities");
        assertEquals(DEFAULT_CAPS, caps.get("CapBnd"));
    }

    @Test
    void theKubeletsRunAsUserAndRunAsUsernameWin() {
        PodFixture.Pod pod = pods.startPod("runas");
        String byUid = pods.run(pod, withSecurity(PodFixture.container("byuid", busybox.reference(), "sleep", "1000"),
                LinuxContainerSecurityContext.newBuilder().setRunAsUser(Int64Value.newBuilder().setValue(1000))));
        assertEquals("1000\n0\n", pods.sh(byUid, "id -u; id -g"));
        assertEquals(user(1000, 0, 0), pods.status(byUid).getUser().getLinux());

        String byName = pods.run(pod, withSecurity(PodFixture.container("byname", busybox.reference(), "sleep",
                "1000"), LinuxContainerSecurityContext.newBuilder().setRunAsUsername("nobody")));
        assertEquals("uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n", pods.sh(byName, "id"));
        assertEquals(user(65534, 65534, 65534), pods.status(byName).getUser().getLinux());

        String overImage = pods.run(pod, withSecurity(PodFixture.container("overimage", withUser.reference(), "sleep",
                "1000"), LinuxContainerSecurityContext.newBuilder().setRunAsUser(Int64Value.newBuilder().setValue(0))));
        assertEquals("0\n", pods.sh(overImage, "id -u"), "run_as_user 0 overrides the image's user");
    }

    private static ContainerConfig withSecurity(ContainerConfig.Builder config,
                                                LinuxContainerSecurityContext.Builder security) {
        return config.setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(security)).build();
    }

    private static LinuxContainerUser user(long uid, long gid, long... groups) {
        LinuxContainerUser.Builder user = LinuxContainerUser.newBuilder().setUid(uid).setGid(gid);
        for (long group : groups) {
            user.addSupplementalGroups(group);
        }
        return user.build();
    }

    /** The Cap* lines of a /proc/<pid>/status. */
    private static Map<String, String> capabilities(String status) {
        Map<String, String> caps = new TreeMap<>();
        status.lines().filter(l -> l.startsWith("Cap")).forEach(l -> {
            String[] kv = l.split(":\\s+");
            caps.put(kv[0], kv[1]);
        });
        return caps;
    }

    private static List<String> mountPoints(Path mountinfo) throws IOException {
        return mountPoints(Files.readString(mountinfo));
    }

    private static List<String> mountPoints(String mountinfo) {
        List<String> points = new ArrayList<>();
        mountinfo.lines().forEach(l -> points.add(l.split(" ")[4]));
        return points;
    }
}
