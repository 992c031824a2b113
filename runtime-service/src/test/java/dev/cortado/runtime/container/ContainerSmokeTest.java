package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatusRequest;
import dev.cortado.cri.v1.ContainerStatusResponse;
import dev.cortado.cri.v1.ExecSyncRequest;
import dev.cortado.cri.v1.ExecSyncResponse;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.StopContainerRequest;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.hack.registry.TempDirs;
import dev.cortado.runtime.daemon.DaemonProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ContainerSmokeTest {

    @Test
    void aContainerRunsExecsAndStops() throws Exception {
        Path dir = TempDirs.create("cortado-ctr");
        try (LocalRegistry registry = LocalRegistry.start();
             DaemonProcess daemon = DaemonProcess.start(dir)) {
            TestImage busybox = TestImages.busybox(registry);
            PodFixture pods = new PodFixture(daemon.client(), dir.resolve("logs"));
            try {
                pods.pull(busybox.reference());
                PodSandboxConfig pod = pods.pod("smoke", NamespaceMode.POD, NamespaceMode.CONTAINER);
                String podId = pods.runPod(pod);
                String id = pods.create(podId, pod, PodFixture.container("main", busybox.reference(),
                        "sh", "-c", "echo hello; exec sleep 1000").build());
                pods.start(id);
                ContainerStatusResponse status = daemon.client().runtime().containerStatus(
                        ContainerStatusRequest.newBuilder().setContainerId(id).setVerbose(true).build());
                System.out.println(status);
                assertEquals(ContainerState.CONTAINER_RUNNING, status.getStatus().getState());
                ExecSyncResponse exec = daemon.client().runtime().execSync(ExecSyncRequest.newBuilder()
                        .setContainerId(id).addCmd("cat").addCmd("/etc/hostname").setTimeout(10).build());
                assertEquals("smoke\n", exec.getStdout().toStringUtf8());
                daemon.client().runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id)
                        .setTimeout(2).build());
                status = daemon.client().runtime().containerStatus(
                        ContainerStatusRequest.newBuilder().setContainerId(id).build());
                assertEquals(ContainerState.CONTAINER_EXITED, status.getStatus().getState());
                assertEquals(137, status.getStatus().getExitCode());
                String log = Files.readString(Path.of(status.getStatus().getLogPath()));
                assertTrue(log.contains(" stdout F hello"), log);
            } finally {
                pods.removeAll();
                System.out.println(daemon.log());
            }
        } finally {
            TempDirs.deleteTree(dir);
        }
    }
}
