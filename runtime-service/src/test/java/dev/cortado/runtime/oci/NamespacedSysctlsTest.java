package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.LinuxPodSandboxConfig;
import dev.cortado.cri.v1.LinuxSandboxSecurityContext;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.NamespaceOption;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.shim.ShimException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NamespacedSysctlsTest {

    private static PodSandboxConfig pod(Map<String, String> sysctls, NamespaceMode network, NamespaceMode ipc) {
        return PodSandboxConfig.newBuilder().setLinux(LinuxPodSandboxConfig.newBuilder().putAllSysctls(sysctls)
                .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(
                        NamespaceOption.newBuilder().setNetwork(network).setIpc(ipc)))).build();
    }

    private static String refusal(Map<String, String> sysctls, NamespaceMode network, NamespaceMode ipc) {
        return assertThrows(IllegalArgumentException.class,
                () -> NamespacedSysctls.of(pod(sysctls, network, ipc))).getMessage();
    }

    @Test
    void namespacedKeysPassWithDotsOrSlashes() {
        assertEquals(Map.of("net.ipv4.conf.eth0.rp_filter", "1", "kernel.shmmax", "68719476736", "kernel.sem",
                "250 32000 32 128", "fs.mqueue.msg_max", "20", "kernel.msgmax", "8192"),
                NamespacedSysctls.of(pod(Map.of("net/ipv4/conf/eth0/rp_filter", "1", "kernel.shmmax", "68719476736",
                        "kernel.sem", "250 32000 32 128", "fs/mqueue/msg_max", "20", "kernel.msgmax", "8192"),
                        NamespaceMode.POD, NamespaceMode.POD)));
    }

    @Test
    void otherKeysAndSharedNamespacesAreRefusedNamingTheKey() {
        assertEquals("linux.sysctls[\"kernel.panic\"]: \"kernel.panic\" is not a namespaced sysctl (only net.*, "
                + "kernel.shm*, kernel.msg*, kernel.sem and fs.mqueue.* are, as they do not change the node)",
                refusal(Map.of("kernel.panic", "10"), NamespaceMode.POD, NamespaceMode.POD));
        assertEquals("linux.sysctls[\"net.ipv4.ip_forward\"]: the pod uses the node's network namespace, so "
                + "\"net.ipv4.ip_forward\" would change the node",
                refusal(Map.of("net.ipv4.ip_forward", "1"), NamespaceMode.NODE, NamespaceMode.POD));
        assertEquals("linux.sysctls[\"kernel.shmmax\"]: the pod uses the node's IPC namespace, so \"kernel.shmmax\""
                + " would change the node", refusal(Map.of("kernel.shmmax", "1"), NamespaceMode.POD, NamespaceMode.NODE));
        NamespacedSysctls.of(pod(Map.of("kernel.shmmax", "1"), NamespaceMode.NODE, NamespaceMode.POD));
        for (String escape : new String[] {"net/../kernel/panic", "net..ipv4", "net.ipv4.", "net.ipv4.x y"}) {
            assertEquals("linux.sysctls[\"" + escape + "\"]: \"" + escape + "\" is not a sysctl name",
                    refusal(Map.of(escape, "1"), NamespaceMode.POD, NamespaceMode.POD));
        }
        assertEquals("linux.sysctls[\"net.core.somaxconn\"]: the value is not a single line of at most 4096"
                + " characters", refusal(Map.of("net.core.somaxconn", "1\n2"), NamespaceMode.POD, NamespaceMode.POD));
    }

    @Test
    void theKernelsRefusalOfAValueNamesTheKey() {
        assertEquals(Optional.of("linux.sysctls[\"net.ipv4.ip_unprivileged_port_start\"]: the kernel refused the"
                + " value: Invalid argument"), NamespacedSysctls.kernelRefusal(ShimException.fromShimMessage(
                "sysctl net.ipv4.ip_unprivileged_port_start: Invalid argument")));
        assertEquals(Optional.of("linux.sysctls[\"net.ipv4.nope\"]: this kernel has no such sysctl"),
                NamespacedSysctls.kernelRefusal(ShimException.fromShimMessage(
                        "sysctl net.ipv4.nope: No such file or directory")));
        assertEquals(Optional.empty(), NamespacedSysctls.kernelRefusal(ShimException.fromShimMessage(
                "mount /proc: Operation not permitted")));
    }
}
