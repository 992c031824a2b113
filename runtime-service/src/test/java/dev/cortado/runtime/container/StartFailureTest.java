package dev.cortado.runtime.container;

import dev.cortado.runtime.daemon.RpcFailures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatus;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A container whose process cannot be executed: the failure is reported, recorded, and nothing runs on. */
class StartFailureTest extends BusyboxDaemonTest {

    StartFailureTest() {
        super("ctr-startfail");
    }

    @Test
    void aMissingCommandFailsTheStartWithItsReason() throws Exception {
        PodFixture.Pod pod = pods.startPod("missing");
        for (List<String> command : List.of(List.of("/no/such/app", "--flag"), List.of("no-such-command"))) {
            String name = command.get(0).equals("no-such-command") ? "bare" : "absolute";
            String id = pods.create(pod, PodFixture.container(name, busybox.reference(),
                    command.toArray(String[]::new)).build());
            JsonNode info = pods.info(id);
            long shim = info.get("shimPid").asLong();
            long init = info.get("pid").asLong();

            String message = RpcFailures.assertFails(Status.Code.FAILED_PRECONDITION, () -> pods.start(id),
                    command.get(0), "No such file or directory");
            ContainerStatus status = pods.status(id);
            assertEquals(ContainerState.CONTAINER_EXITED, status.getState(), message);
            assertEquals("StartError", status.getReason());
            assertTrue(status.getMessage().contains("No such file or directory")
                    && status.getMessage().contains(command.get(0)), status.getMessage());
            assertEquals(128, status.getExitCode());
            assertEquals(0, status.getStartedAt(), "it never started");
            assertTrue(status.getFinishedAt() >= status.getCreatedAt(), status.toString());
            assertNothingRuns(id, shim, init);
        }
    }

    @Test
    void aFileThatIsNotExecutableFailsWithPermissionDenied() throws Exception {
        PodFixture.Pod pod = pods.startPod("noexec");
        String id = pods.create(pod, PodFixture.container("main", busybox.reference(), "/etc/passwd").build());
        JsonNode info = pods.info(id);
        RpcFailures.assertFails(Status.Code.FAILED_PRECONDITION, () -> pods.start(id), "/etc/passwd",
                "Permission denied");
        assertEquals("StartError", pods.status(id).getReason());
        assertNothingRuns(id, info.get("shimPid").asLong(), info.get("pid").asLong());
    }

    /** The shim and the init are gone and the container's cgroup is empty; removal then leaves nothing. */
    private void assertNothingRuns(String id, long shim, long init) throws IOException {
        PodFixture.await(() -> !HostLeftovers.alive(shim) && !HostLeftovers.alive(init),
                Duration.ofSeconds(5), () -> "the shim " + shim + " or the init " + init + " still runs");
        JsonNode info = pods.info(id);
        Path procs = Path.of("/sys/fs/cgroup/pids").resolve(info.get("cgroup").asText().substring(1))
                .resolve("cgroup.procs");
        assertEquals("", Files.readString(procs), "processes left in " + procs);
        Path upper = Path.of(info.at("/layers/upperdir").asText());
        Path merged = Path.of(info.at("/layers/merged").asText());
        pods.remove(id);
        assertFalse(Files.exists(upper) || Files.exists(merged) || Files.exists(procs.getParent()),
                "RemoveContainer left the layers, the mount point or the cgroup");
    }
}
