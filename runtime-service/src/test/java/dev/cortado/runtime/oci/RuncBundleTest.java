package dev.cortado.runtime.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ContainerMetadata;
import dev.cortado.cri.v1.Mount;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxMetadata;
import dev.cortado.image.manifest.ExecutionConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The config.json is a real OCI bundle: Debian's runc runs it on a busybox root filesystem, and
 * the process inside sees the user, capabilities, mounts, masks, devices and environment the
 * spec says.
 */
class RuncBundleTest {

    private static final Path RUNC = Path.of("/usr/sbin/runc");
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final List<String> APPLETS = List.of("sh", "id", "cat", "grep", "ls", "readlink", "stat",
            "hostname", "echo", "pwd", "touch", "head", "wc", "env");

    @TempDir
    Path dir;

    @Test
    void runcRunsTheBundleAsDescribed() throws Exception {
        boolean ready = Files.isExecutable(RUNC) && Files.isExecutable(BUSYBOX)
                && "0".equals(HostMounts.run(List.of("id", "-u")).trim());
        Assumptions.assumeTrue(ready || System.getenv("CI") != null, "needs root, runc and busybox-static");

        TreeWriter host = new TreeWriter(dir);
        Path rootfs = dir.resolve("bundle/rootfs");
        host.file("bundle/rootfs/etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n");
        host.file("bundle/rootfs/etc/group", "root:x:0:\napp:x:1000:\nwheel:x:10:app\n");
        for (String d : List.of("bin", "proc", "sys", "dev", "tmp", "srv", "home/app")) {
            host.dir("bundle/rootfs/" + d);
        }
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
        for (String applet : APPLETS) {
            host.link("bundle/rootfs/bin/" + applet, "busybox");
        }
        host.file("volume/hello", "from the host\n");
        host.file("pod/resolv.conf", "nameserver 10.96.0.10\n").file("pod/hosts", "127.0.0.1 localhost\n");

        String script = "id; pwd; echo HOME=$HOME; hostname; grep -E '^Cap(Eff|Bnd)' /proc/self/status; "
                + "cat /data/hello; touch /data/x 2>/dev/null || echo data-readonly; cat /etc/resolv.conf; "
                + "echo timer_list=$(wc -c < /proc/timer_list) acpi=$(ls /proc/acpi | wc -l); readlink /dev/ptmx; stat -c '%t:%T %a' /dev/null; "
                + "touch /proc/sys/kernel/x 2>/dev/null || echo sys-readonly; env | grep -c GREETING=";
        ContainerConfig config = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("probe"))
                .addCommand("/bin/sh").addCommand("-c").addCommand(script)
                .addMounts(Mount.newBuilder().setContainerPath("/data").setHostPath(dir.resolve("volume").toString())
                        .setReadonly(true))
                .build();
        ExecutionConfig image = new ExecutionConfig("app", List.of("GREETING=hi"), null, null, "/srv", Map.of(), null,
                List.of(), List.of());
        PodSandboxConfig sandbox = PodSandboxConfig.newBuilder().setHostname("probe-pod")
                .setMetadata(PodSandboxMetadata.newBuilder().setName("probe-pod").setNamespace("default")).build();
        String id = "cortado-oci-" + UUID.randomUUID().toString().substring(0, 8);
        PodNamespaces fresh = new PodNamespaces(NamespaceSetting.fresh(), NamespaceSetting.fresh(),
                NamespaceSetting.fresh(), NamespaceSetting.fresh());
        ContainerRequest request = new ContainerRequest(id, "pod", config, sandbox, image, rootfs, fresh,
                new PodFiles(dir.resolve("pod/resolv.conf"), dir.resolve("pod/hosts"), null, null),
                new CgroupPlacement("/" + id, List.of()), null);
        BuiltSpec built = new SpecBuilder(HostFacts.current()).build(request);
        Files.writeString(dir.resolve("bundle/config.json"), new ObjectMapper().writeValueAsString(built.config()));

        String out = runc(id, dir.resolve("bundle"), dir.resolve("runc-state"));
        assertTrue(out.startsWith("uid=1000(app) gid=1000(app) groups=10(wheel),1000(app)\n"), out);
        assertTrue(out.contains("\n/srv\nHOME=/home/app\nprobe-pod\n"), out);
        assertTrue(out.contains("CapEff:\t0000000000000000\n"), out);
        assertTrue(out.contains("CapBnd:\t00000000a80425fb\n"), out);
        assertTrue(out.contains("from the host\ndata-readonly\nnameserver 10.96.0.10\n"), out);
        assertTrue(out.contains("timer_list=0 acpi=0\n"), "masked paths are empty: " + out);
        assertTrue(out.contains("pts/ptmx\n1:3 666\n"), out);
        assertTrue(out.contains("sys-readonly\n1\n"), out);
    }

    private static String runc(String id, Path bundle, Path state) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(RUNC.toString(), "--root", state.toString(), "run", "--bundle", bundle.toString(), id)
                .redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("runc did not finish in 60 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), "runc run failed:\n" + out);
            return out;
        } finally {
            p.destroyForcibly().waitFor();
            new ProcessBuilder(RUNC.toString(), "--root", state.toString(), "delete", "--force", id)
                    .redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
