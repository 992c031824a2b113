package dev.cortado.hack.bench;

import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ContainerMetadata;
import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.KeyValue;
import dev.cortado.cri.v1.LinuxContainerConfig;
import dev.cortado.cri.v1.LinuxContainerResources;
import dev.cortado.cri.v1.LinuxContainerSecurityContext;
import dev.cortado.cri.v1.LinuxPodSandboxConfig;
import dev.cortado.cri.v1.LinuxSandboxSecurityContext;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.NamespaceOption;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxMetadata;
import dev.cortado.cri.v1.SecurityProfile;
import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * The configs of the benchmark's pods, shaped as a kubelet sends them for a host-network
 * BestEffort pod with one container: network and UTS of the node (so no hostname: the kubelet
 * sends none for host-network pods, and runc refuses one without a UTS namespace), a pod IPC namespace, a PID
 * namespace per container, seccomp Unconfined (the kubelet's default), cpu shares 2 and
 * oom_score_adj 1000, the pod log directory {@code <root>/<namespace>_<name>_<uid>} and the
 * container log {@code sleeper/0.log} in it, the image by the ID PullImage returned plus the
 * reference the user wrote. The container runs {@code /bin/sleep 3600} with
 * {@code CORTADO_BENCH_POD=<pod uid>} in its environment, which is how its process is found.
 *
 * @param runTag       unique per benchmark invocation; in every pod name and the run label
 * @param imageId      what PullImage returned for the container image
 * @param imageRef     the reference as given
 * @param logRoot      where the pod log directories go
 * @param cgroupParent every pod's cgroup parent is {@code <cgroupParent>/pod<uid>}; "" for none
 * @param podNetwork   pods on the pod network (own network and UTS namespaces, hostname = pod
 *                     name, as a kubelet sends an ordinary pod) instead of the node's
 */
record PodTemplate(String runTag, String imageId, String imageRef, Path logRoot, String cgroupParent,
                   boolean podNetwork) {
    static final String NAMESPACE = "cortado-bench";
    static final String CONTAINER_NAME = "sleeper";
    static final String RUN_LABEL = "dev.cortado.bench.run";
    private static final String LOG_PATH = CONTAINER_NAME + "/0.log";
    private static final long BEST_EFFORT_CPU_SHARES = 2;
    private static final long BEST_EFFORT_OOM_SCORE_ADJ = 1000;

    /** One pod's name, uid, log directory and configs. */
    record Pod(String name, String uid, Path logDirectory, PodSandboxConfig sandbox, ContainerConfig container) {
        Path containerLog() {
            return logDirectory.resolve(LOG_PATH);
        }
    }

    Pod pod(int index) {
        String name = "bench-" + runTag + "-" + index;
        String uid = UUID.randomUUID().toString();
        Path logDirectory = logRoot.resolve(NAMESPACE + "_" + name + "_" + uid);
        Map<String, String> podLabels = Map.of(
                "io.kubernetes.pod.name", name,
                "io.kubernetes.pod.namespace", NAMESPACE,
                "io.kubernetes.pod.uid", uid,
                RUN_LABEL, runTag);
        LinuxPodSandboxConfig.Builder linux = LinuxPodSandboxConfig.newBuilder()
                .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                        .setNamespaceOptions(namespaces(podNetwork))
                        .setSeccomp(unconfined()));
        if (!cgroupParent.isEmpty()) {
            linux.setCgroupParent(cgroupParent + "/pod" + uid);
        }
        PodSandboxConfig.Builder sandbox = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setUid(uid).setNamespace(NAMESPACE)
                        .setAttempt(0))
                .setLogDirectory(logDirectory.toString())
                .putAllLabels(podLabels)
                .setLinux(linux);
        if (podNetwork) {
            sandbox.setHostname(name);
        }
        ContainerConfig container = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(CONTAINER_NAME).setAttempt(0))
                .setImage(ImageSpec.newBuilder().setImage(imageId).setUserSpecifiedImage(imageRef))
                .addCommand("/bin/sleep")
                .addCommand("3600")
                .addEnvs(KeyValue.newBuilder().setKey(ContainerOverhead.POD_ENV)
                        .setValue(ByteString.copyFromUtf8(uid)))
                .putAllLabels(podLabels)
                .putLabels("io.kubernetes.container.name", CONTAINER_NAME)
                .setLogPath(LOG_PATH)
                .setLinux(LinuxContainerConfig.newBuilder()
                        .setResources(LinuxContainerResources.newBuilder()
                                .setCpuShares(BEST_EFFORT_CPU_SHARES)
                                .setOomScoreAdj(BEST_EFFORT_OOM_SCORE_ADJ))
                        .setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                                .setNamespaceOptions(namespaces(podNetwork))
                                .setSeccomp(unconfined())))
                .build();
        return new Pod(name, uid, logDirectory, sandbox.build(), container);
    }

    private static NamespaceOption namespaces(boolean podNetwork) {
        return NamespaceOption.newBuilder()
                .setNetwork(podNetwork ? NamespaceMode.POD : NamespaceMode.NODE)
                .setPid(NamespaceMode.CONTAINER)
                .setIpc(NamespaceMode.POD)
                .build();
    }

    private static SecurityProfile unconfined() {
        return SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.Unconfined).build();
    }
}
