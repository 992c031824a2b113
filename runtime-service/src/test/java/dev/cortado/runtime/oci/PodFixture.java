package dev.cortado.runtime.oci;

import com.google.protobuf.ByteString;
import dev.cortado.cri.v1.Capability;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ContainerMetadata;
import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.Int64Value;
import dev.cortado.cri.v1.KeyValue;
import dev.cortado.cri.v1.LinuxContainerConfig;
import dev.cortado.cri.v1.LinuxContainerResources;
import dev.cortado.cri.v1.LinuxContainerSecurityContext;
import dev.cortado.cri.v1.Mount;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxMetadata;
import dev.cortado.image.manifest.ExecutionConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A typical pod container as the kubelet sends it (an nginx-like image, a service-account
 * volume, the kubelet's /etc/hosts and termination log, limits, run as a non-root user), laid
 * out on disk under one temporary directory.
 */
final class PodFixture {

    final Path dir;
    final Path rootfs;
    final TreeWriter host;

    PodFixture(Path dir) {
        this.dir = dir;
        this.host = new TreeWriter(dir);
        this.rootfs = dir.resolve("rootfs");
        host.file("rootfs/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnginx:x:101:101:nginx:/var/cache/nginx:/bin/false\n");
        host.file("rootfs/etc/group", "root:x:0:\nnginx:x:101:\nwww:x:33:nginx\n");
        host.dir("rootfs/srv");
        host.dir("volumes/token").file("volumes/token/token", "t0k3n\n");
        host.file("kubelet/etc-hosts", "127.0.0.1 localhost\n10.1.0.5 web\n");
        host.file("kubelet/termination-log", "");
        host.file("pod/resolv.conf", "nameserver 10.96.0.10\n").file("pod/hostname", "web\n").dir("pod/shm");
        host.dir("cgroup/memory/pod/c1").dir("cgroup/unified/pod/c1");
    }

    static final ExecutionConfig IMAGE = new ExecutionConfig(null,
            List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NGINX_VERSION=1.27"),
            List.of("/docker-entrypoint.sh"), List.of("nginx", "-g", "daemon off;"), "/srv", Map.of(), "SIGQUIT",
            List.of("80/tcp"), List.of());

    ContainerConfig.Builder config() {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("web"))
                .setImage(ImageSpec.newBuilder().setImage("sha256:0123").setUserSpecifiedImage("nginx:1.27"))
                .addArgs("nginx").addArgs("-g").addArgs("daemon off; worker_processes 2;")
                .addEnvs(KeyValue.newBuilder().setKey("KUBERNETES_SERVICE_HOST").setValue(ByteString.copyFromUtf8("10.96.0.1")))
                .addEnvs(KeyValue.newBuilder().setKey("NGINX_VERSION").setValue(ByteString.copyFromUtf8("override")))
                .addMounts(Mount.newBuilder().setContainerPath("/var/run/secrets/kubernetes.io/serviceaccount")
                        .setHostPath(dir.resolve("volumes/token").toString()).setReadonly(true))
                .addMounts(Mount.newBuilder().setContainerPath("/etc/hosts")
                        .setHostPath(dir.resolve("kubelet/etc-hosts").toString()))
                .addMounts(Mount.newBuilder().setContainerPath("/dev/termination-log")
                        .setHostPath(dir.resolve("kubelet/termination-log").toString()))
                .setLogPath("web/0.log")
                .setLinux(LinuxContainerConfig.newBuilder()
                        .setResources(LinuxContainerResources.newBuilder().setCpuPeriod(100_000).setCpuQuota(50_000)
                                .setCpuShares(512).setMemoryLimitInBytes(128L << 20).setOomScoreAdj(999))
                        .setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                                .setRunAsUser(Int64Value.newBuilder().setValue(101))
                                .addSupplementalGroups(2000)
                                .setCapabilities(Capability.newBuilder().addDropCapabilities("NET_RAW"))
                                .setNoNewPrivs(true)
                                .addAllMaskedPaths(MaskedPaths.DEFAULT_MASKED)
                                .addAllReadonlyPaths(MaskedPaths.DEFAULT_READONLY)));
    }

    PodSandboxConfig sandbox() {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("web-7d9").setNamespace("default").setUid("uid-1"))
                .setHostname("web-7d9")
                .build();
    }

    PodNamespaces namespaces() {
        return new PodNamespaces(NamespaceSetting.join(Path.of("/run/cortado/netns/p1")),
                NamespaceSetting.join(Path.of("/run/cortado/ipcns/p1")),
                NamespaceSetting.join(Path.of("/run/cortado/utsns/p1")), NamespaceSetting.fresh());
    }

    PodFiles podFiles() {
        return new PodFiles(dir.resolve("pod/resolv.conf"), null, dir.resolve("pod/hostname"), dir.resolve("pod/shm"));
    }

    CgroupPlacement cgroups() {
        return new CgroupPlacement("/kubepods/burstable/poduid-1/c1", List.of(
                new CgroupPlacement.CgroupDirectory("memory", dir.resolve("cgroup/memory/pod/c1")),
                new CgroupPlacement.CgroupDirectory("unified", dir.resolve("cgroup/unified/pod/c1"))));
    }

    ContainerRequest request(ContainerConfig config) {
        return new ContainerRequest("c1", "p1", config, sandbox(), IMAGE, rootfs, namespaces(), podFiles(), cgroups(),
                dir.resolve("logs/web/0.log"));
    }

    static HostFacts hostFacts(int daemonOomScoreAdj) {
        return new HostFacts("node-1", daemonOomScoreAdj, 40, Path.of("/proc/self/mountinfo"));
    }
}
