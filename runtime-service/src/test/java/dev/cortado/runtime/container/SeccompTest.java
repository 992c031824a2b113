package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.Capability;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ExecSyncResponse;
import dev.cortado.cri.v1.Int64Value;
import dev.cortado.cri.v1.LinuxContainerConfig;
import dev.cortado.cri.v1.LinuxContainerSecurityContext;
import dev.cortado.cri.v1.LinuxPodSandboxConfig;
import dev.cortado.cri.v1.LinuxSandboxSecurityContext;
import dev.cortado.cri.v1.ListContainersRequest;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.SecurityProfile;
import dev.cortado.runtime.daemon.RpcFailures;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seccomp profiles on a real kernel: RuntimeDefault refuses what containers should not do with
 * EPERM while ordinary work (files, processes, sockets) goes on, a Localhost profile's rules take effect in the container's
 * process and in every exec, Unconfined loads nothing, the older profile-path strings mean the
 * same, and bad profiles are refused before anything is made.
 */
class SeccompTest extends BusyboxDaemonTest {

    private static final String DENIED = "Operation not permitted";

    private Path denyMkdir;

    SeccompTest() {
        super("ctr-seccomp");
    }

    @Override
    protected void prepare() throws Exception {
        denyMkdir = Files.writeString(harness.dir().resolve("deny-mkdir.json"), """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
                """);
    }

    private static LinuxContainerSecurityContext.Builder profile(SecurityProfile.ProfileType type, String ref) {
        return LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(type).setLocalhostRef(ref));
    }

    private static LinuxContainerSecurityContext.Builder profilePath(String path) {
        return LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath(path);
    }

    /** A running busybox container whose process first runs {@code script}, then sleeps. */
    private String run(PodFixture.Pod pod, String name, LinuxContainerSecurityContext.Builder security,
                       String script) {
        ContainerConfig config = PodFixture.container(name, busybox.reference(), "sh", "-c",
                        script + "; exec sleep 1000")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(security)).build();
        return pods.run(pod, config);
    }

    /** {@code Seccomp:} of /proc/<pid>/status inside the container: 0 none, 2 filter. */
    private String seccompMode(String id, String pid) {
        return pods.sh(id, "grep '^Seccomp:' /proc/" + pid + "/status | tr -d ' \\t'").trim();
    }

    private void assertDenied(String id, String... command) {
        ExecSyncResponse response = pods.exec(id, 30, command);
        assertNotEquals(0, response.getExitCode(), String.join(" ", command) + " should fail");
        String stderr = response.getStderr().toStringUtf8();
        assertTrue(stderr.contains(DENIED), String.join(" ", command) + ": " + stderr);
    }

    private void assertAllowed(String id, String... command) {
        ExecSyncResponse response = pods.exec(id, 30, command);
        assertEquals(0, response.getExitCode(), String.join(" ", command) + ": "
                + response.getStderr().toStringUtf8());
    }

    @Test
    void runtimeDefaultDeniesNamespacesWithEpermAndAllowsOrdinaryWork() {
        PodFixture.Pod pod = pods.startPod("rtdefault");
        String id = run(pod, "main", profile(SecurityProfile.ProfileType.RuntimeDefault, ""),
                "unshare -U true 2>/tmp/main-unshare; echo $? > /tmp/main-rc");
        assertEquals("Seccomp:2", seccompMode(id, "1"), "the container's process is filtered");
        assertEquals("Seccomp:2", seccompMode(id, "self"), "an exec is filtered");
        assertNotEquals("0", pods.sh(id, "cat /tmp/main-rc").trim(), "unshare in the container's process");
        assertTrue(pods.sh(id, "cat /tmp/main-unshare").contains(DENIED));
        assertDenied(id, "unshare", "-U", "true");
        assertDenied(id, "unshare", "-m", "true");
        assertDenied(id, "unshare", "-n", "true");
        String work = pods.sh(id, "ls / >/dev/null && cat /etc/hostname && mkdir -p /tmp/a/b && echo hi > /tmp/a/b/f"
                + " && cat /tmp/a/b/f && ps >/dev/null && date >/dev/null && echo done");
        assertEquals("rtdefault\nhi\ndone\n", work);
        // (busybox-static's wget crashes in its resolver even on the host; nc makes the same calls)
        String connect = pods.sh(id, "nc 127.0.0.1 1 </dev/null 2>&1; echo rc=$?");
        assertTrue(connect.contains("Connection refused") && !connect.contains(DENIED),
                "a socket is allowed, the connection is refused by nobody listening: " + connect);
    }

    @Test
    void runtimeDefaultWithNoNewPrivsForANonRootUser() {
        PodFixture.Pod pod = pods.startPod("rtdefault-nnp");
        String id = run(pod, "main", profile(SecurityProfile.ProfileType.RuntimeDefault, "")
                        .setNoNewPrivs(true).setRunAsUser(Int64Value.newBuilder().setValue(1000)), "true");
        assertEquals("1000", pods.sh(id, "id -u").trim());
        assertEquals("Seccomp:2", seccompMode(id, "1"));
        assertEquals("NoNewPrivs:1", pods.sh(id, "grep '^NoNewPrivs:' /proc/1/status | tr -d ' \\t'").trim());
        assertDenied(id, "unshare", "-U", "true");
        assertAllowed(id, "sh", "-c", "echo x > /tmp/x && cat /tmp/x");
    }

    @Test
    void aLocalhostProfileDenyingMkdirMakesMkdirFailWithEperm() {
        PodFixture.Pod pod = pods.startPod("localhost");
        String id = run(pod, "main", profile(SecurityProfile.ProfileType.Localhost, denyMkdir.toString()),
                "mkdir /tmp/main 2>/tmp/main-mkdir; echo $? > /tmp/main-rc");
        assertNotEquals("0", pods.sh(id, "cat /tmp/main-rc").trim());
        assertTrue(pods.sh(id, "cat /tmp/main-mkdir").contains(DENIED));
        assertDenied(id, "mkdir", "/tmp/x");
        assertAllowed(id, "sh", "-c", "echo ok > /tmp/file && cat /tmp/file && rm /tmp/file");
        assertEquals("Seccomp:2", seccompMode(id, "1"));
        assertEquals("SCMP_ACT_ALLOW", pods.info(id).at("/runtimeSpec/linux/seccomp/defaultAction").asText());
        assertEquals("mkdirat", pods.info(id).at("/runtimeSpec/linux/seccomp/syscalls/0/names/1").asText());
    }

    @Test
    void aProfileLongEnoughToNeedFarJumpsLoadsIntoTheKernelAndWorks() throws IOException {
        StringBuilder rules = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            rules.append("{\"names\": [\"ioctl\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 1, ")
                    .append("\"value\": ").append(0xdead_0000L + i).append(", \"op\": \"SCMP_CMP_EQ\"}]},\n");
        }
        Path profile = Files.writeString(harness.dir().resolve("long.json"), "{\"defaultAction\": \"SCMP_ACT_ALLOW\","
                + " \"syscalls\": [" + rules + "{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
        PodFixture.Pod pod = pods.startPod("long");
        String id = run(pod, "main", profile(SecurityProfile.ProfileType.Localhost, profile.toString()), "true");
        assertEquals("Seccomp:2", seccompMode(id, "1"));
        assertDenied(id, "mkdir", "/tmp/x");
        assertEquals("ok\n", pods.sh(id, "ls / >/dev/null && echo ok"));
    }

    @Test
    void unconfinedLoadsNoFilterAndAllowsUnshareWithSysAdmin() {
        PodFixture.Pod pod = pods.startPod("unconfined");
        LinuxContainerSecurityContext.Builder sysAdmin = profile(SecurityProfile.ProfileType.Unconfined, "")
                .setCapabilities(Capability.newBuilder().addAddCapabilities("SYS_ADMIN"));
        String id = run(pod, "main", sysAdmin, "true");
        assertEquals("Seccomp:0", seccompMode(id, "1"));
        assertEquals("Seccomp:0", seccompMode(id, "self"));
        assertTrue(pods.info(id).at("/runtimeSpec/linux/seccomp").isMissingNode(), "no seccomp in config.json");
        assertAllowed(id, "unshare", "-m", "true");
        assertAllowed(id, "unshare", "-U", "true");
    }

    @Test
    void runtimeDefaultFollowsTheCapabilitiesLikeContainerd() {
        PodFixture.Pod pod = pods.startPod("rtdefault-admin");
        String id = run(pod, "main", profile(SecurityProfile.ProfileType.RuntimeDefault, "")
                .setCapabilities(Capability.newBuilder().addAddCapabilities("SYS_ADMIN")), "true");
        assertEquals("Seccomp:2", seccompMode(id, "1"));
        assertAllowed(id, "unshare", "-m", "true");
    }

    @Test
    void theProfilePathStringsMeanTheSame() {
        PodFixture.Pod pod = pods.startPod("paths");
        for (String path : List.of("runtime/default", "docker/default")) {
            String id = run(pod, path.replace('/', '-'), profilePath(path), "true");
            assertEquals("Seccomp:2", seccompMode(id, "1"), path);
            assertDenied(id, "unshare", "-U", "true");
        }
        String local = run(pod, "localhost", profilePath("localhost/" + denyMkdir), "true");
        assertDenied(local, "mkdir", "/tmp/x");
        String unconfined = run(pod, "unconfined", profilePath("unconfined"), "true");
        assertEquals("Seccomp:0", seccompMode(unconfined, "1"));
        String empty = run(pod, "empty", profilePath(""), "true");
        assertEquals("Seccomp:0", seccompMode(empty, "1"), "an empty path is unconfined, as the CRI says");
    }

    @Test
    void badProfilesAreRefusedAndNothingIsMade() throws IOException {
        PodFixture.Pod pod = pods.startPod("bad");
        Path garbage = Files.writeString(harness.dir().resolve("garbage.json"), "{\"defaultAction\": ");
        Path notify = Files.writeString(harness.dir().resolve("notify.json"), """
                {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_NOTIFY"}]}
                """);
        Path missing = harness.dir().resolve("missing.json");
        refused(pod, profile(SecurityProfile.ProfileType.Localhost, missing.toString()),
                "linux.security_context.seccomp.localhost_ref", missing + " does not exist");
        refused(pod, profile(SecurityProfile.ProfileType.Localhost, garbage.toString()),
                "linux.security_context.seccomp.localhost_ref", "is not valid JSON");
        refused(pod, profile(SecurityProfile.ProfileType.Localhost, ""),
                "linux.security_context.seccomp.localhost_ref", "not an absolute path");
        refused(pod, profilePath("localhost/" + missing), "linux.security_context.seccomp_profile_path",
                "does not exist");
        refused(pod, profilePath("localhost/" + notify), "syscalls[0].action: SCMP_ACT_NOTIFY");
        refused(pod, profilePath("runtime/strict"), "linux.security_context.seccomp_profile_path",
                "\"runtime/strict\" is not a seccomp profile");
    }

    @Test
    void aProfileThatWouldStopTheInitsPrivilegeDropIsRefusedUnlessNoNewPrivs() throws IOException {
        Path tooStrict = Files.writeString(harness.dir().resolve("too-strict.json"), """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["setgroups"], "action": "SCMP_ACT_ERRNO"}]}
                """);
        PodFixture.Pod pod = pods.startPod("strict");
        refused(pod, profile(SecurityProfile.ProfileType.Localhost, tooStrict.toString()),
                "linux.security_context.seccomp.localhost_ref", "denies setgroups", "no_new_privs");
        // with no_new_privs the init drops privileges first, and the container's own setgroups fails
        String id = run(pod, "main", profile(SecurityProfile.ProfileType.Localhost, tooStrict.toString())
                .setNoNewPrivs(true), "true");
        assertEquals("Seccomp:2", seccompMode(id, "1"));
    }

    @Test
    void aPrivilegedContainerIgnoresTheProfile() {
        PodSandboxConfig base = pods.pod("privileged");
        PodSandboxConfig privilegedPod = PodSandboxConfig.newBuilder(base)
                .setLinux(LinuxPodSandboxConfig.newBuilder(base.getLinux()).setSecurityContext(
                        LinuxSandboxSecurityContext.newBuilder(base.getLinux().getSecurityContext())
                                .setPrivileged(true)))
                .build();
        PodFixture.Pod pod = new PodFixture.Pod(pods.runPod(privilegedPod), privilegedPod);
        String id = run(pod, "main", profile(SecurityProfile.ProfileType.RuntimeDefault, "").setPrivileged(true),
                "true");
        assertEquals("Seccomp:0", seccompMode(id, "1"));
        assertEquals("Seccomp:0", seccompMode(id, "self"));
        assertAllowed(id, "unshare", "-U", "true");
    }

    private void refused(PodFixture.Pod pod, LinuxContainerSecurityContext.Builder security, String... mentions)
            throws IOException {
        ContainerConfig config = PodFixture.container("bad", busybox.reference(), "sleep", "1000")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(security)).build();
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> pods.create(pod, config), mentions);
        assertEquals(0, harness.runtime().listContainers(ListContainersRequest.getDefaultInstance())
                .getContainersCount(), "no container is listed");
        assertEquals(List.of(), entries(harness.state().resolve("containers")), "bundles");
        assertEquals(List.of(), entries(harness.root().resolve("containers")), "layer directories");
        assertEquals(List.of(), entries(harness.root().resolve("metadata/containers")), "records");
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String point = line.split(" ")[4];
            if (point.startsWith(harness.state().resolve("containers").toString())) {
                mounts.add(point);
            }
        }
        assertEquals(List.of(), mounts, "container mounts");
    }

    private static List<String> entries(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                stream.forEach(p -> names.add(p.getFileName().toString()));
            }
        }
        return names;
    }
}
