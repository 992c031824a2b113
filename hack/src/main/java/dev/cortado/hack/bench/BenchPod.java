package dev.cortado.hack.bench;

import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.ContainerStatusRequest;
import dev.cortado.cri.v1.CreateContainerRequest;
import dev.cortado.cri.v1.ExecSyncRequest;
import dev.cortado.cri.v1.ExecSyncResponse;
import dev.cortado.cri.v1.RemoveContainerRequest;
import dev.cortado.cri.v1.RemovePodSandboxRequest;
import dev.cortado.cri.v1.RunPodSandboxRequest;
import dev.cortado.cri.v1.RuntimeServiceGrpc.RuntimeServiceBlockingStub;
import dev.cortado.cri.v1.StartContainerRequest;
import dev.cortado.cri.v1.StopContainerRequest;
import dev.cortado.cri.v1.StopPodSandboxRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One benchmark pod through its life on one runtime: {@link #start} runs its sandbox and container
 * until RUNNING, {@link #tearDown} stops and removes both, timing every call into the log;
 * {@link #cleanUp} removes whatever is left without timing, for failure paths. The ids it holds
 * are cleared as the runtime confirms each removal, so each path does only what is still needed.
 */
final class BenchPod {
    private static final long POLL_MILLIS = 5;
    private static final int LOG_TAIL_BYTES = 2000;

    private final PodTemplate.Pod pod;
    private final CriClient client;
    private final String where;
    private final long timeoutSeconds;
    private final String runtimeHandler;
    private volatile String sandboxId;
    private volatile String containerId;
    private volatile boolean containerStopped;
    private volatile boolean sandboxStopped;

    BenchPod(PodTemplate.Pod pod, CriClient client, String where, long timeoutSeconds, String runtimeHandler) {
        this.pod = pod;
        this.client = client;
        this.where = where;
        this.timeoutSeconds = timeoutSeconds;
        this.runtimeHandler = runtimeHandler;
    }

    PodTemplate.Pod pod() {
        return pod;
    }

    /** RunPodSandbox, CreateContainer, StartContainer, then ContainerStatus until RUNNING. */
    void start(LatencyLog log) {
        createLogDirectory();
        long requested = System.nanoTime();
        sandboxId = timed(log, LifecycleStep.RUN_POD_SANDBOX, () -> stub().runPodSandbox(RunPodSandboxRequest.newBuilder()
                .setConfig(pod.sandbox()).setRuntimeHandler(runtimeHandler).build()).getPodSandboxId());
        requireId(sandboxId, "RunPodSandbox", "pod_sandbox_id");
        containerId = timed(log, LifecycleStep.CREATE_CONTAINER, () -> stub().createContainer(CreateContainerRequest
                .newBuilder().setPodSandboxId(sandboxId).setConfig(pod.container()).setSandboxConfig(pod.sandbox())
                .build()).getContainerId());
        requireId(containerId, "CreateContainer", "container_id");
        timed(log, LifecycleStep.START_CONTAINER, () -> stub().startContainer(StartContainerRequest.newBuilder()
                .setContainerId(containerId).build()));
        long running = awaitRunning(log);
        log.record(LifecycleStep.REQUESTED_TO_RUNNING, running - requested);
    }

    /** ExecSync of {@code /bin/sleep 0} in the running container, {@code times} times, each timed. */
    void execSync(LatencyLog log, int times) {
        for (int i = 0; i < times; i++) {
            ExecSyncResponse response = timed(log, LifecycleStep.EXEC_SYNC, () -> stub().execSync(ExecSyncRequest
                    .newBuilder().setContainerId(containerId).addCmd("/bin/sleep").addCmd("0").setTimeout(timeoutSeconds)
                    .build()));
            if (response.getExitCode() != 0) {
                throw new BenchmarkException(where + ": ExecSync /bin/sleep 0 in container " + containerId
                        + " exited " + response.getExitCode() + ": " + response.getStderr().toStringUtf8());
            }
        }
    }

    /** StopContainer, RemoveContainer, StopPodSandbox, RemovePodSandbox, each timed. */
    void tearDown(LatencyLog log, long stopTimeout) {
        timed(log, LifecycleStep.STOP_CONTAINER, () -> stub().stopContainer(StopContainerRequest.newBuilder()
                .setContainerId(containerId).setTimeout(stopTimeout).build()));
        containerStopped = true;
        timed(log, LifecycleStep.REMOVE_CONTAINER, () -> stub().removeContainer(RemoveContainerRequest.newBuilder()
                .setContainerId(containerId).build()));
        containerId = null;
        timed(log, LifecycleStep.STOP_POD_SANDBOX, () -> stub().stopPodSandbox(StopPodSandboxRequest.newBuilder()
                .setPodSandboxId(sandboxId).build()));
        sandboxStopped = true;
        timed(log, LifecycleStep.REMOVE_POD_SANDBOX, () -> stub().removePodSandbox(RemovePodSandboxRequest.newBuilder()
                .setPodSandboxId(sandboxId).build()));
        sandboxId = null;
    }

    /**
     * Stops and removes what is left, untimed, trying every step even after one fails (NOT_FOUND
     * counts as done). Returns the failures, each naming the call; empty when all is gone.
     */
    List<String> cleanUp(long stopTimeout) {
        List<String> failures = new ArrayList<>();
        String container = containerId;
        if (container != null) {
            if (!containerStopped && attempt(failures, "StopContainer " + container, () -> stub().stopContainer(
                    StopContainerRequest.newBuilder().setContainerId(container).setTimeout(stopTimeout).build()))) {
                containerStopped = true;
            }
            if (attempt(failures, "RemoveContainer " + container, () -> stub().removeContainer(
                    RemoveContainerRequest.newBuilder().setContainerId(container).build()))) {
                containerId = null;
            }
        }
        String sandbox = sandboxId;
        if (sandbox != null) {
            if (!sandboxStopped && attempt(failures, "StopPodSandbox " + sandbox, () -> stub().stopPodSandbox(
                    StopPodSandboxRequest.newBuilder().setPodSandboxId(sandbox).build()))) {
                sandboxStopped = true;
            }
            if (attempt(failures, "RemovePodSandbox " + sandbox, () -> stub().removePodSandbox(
                    RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandbox).build()))) {
                sandboxId = null;
            }
        }
        return failures;
    }

    /** Whether the runtime still holds a sandbox or container of this pod, as far as this pod knows. */
    boolean holdsAnything() {
        return sandboxId != null || containerId != null;
    }

    private long awaitRunning(LatencyLog log) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            ContainerStatus status = timed(log, LifecycleStep.CONTAINER_STATUS, () -> stub().containerStatus(
                    ContainerStatusRequest.newBuilder().setContainerId(containerId).build())).getStatus();
            long answered = System.nanoTime();
            if (status.getState() == ContainerState.CONTAINER_RUNNING) {
                return answered;
            }
            if (status.getState() == ContainerState.CONTAINER_EXITED) {
                throw new BenchmarkException(where + ": container " + containerId + " of pod " + pod.name()
                        + " exited instead of running: exit code " + status.getExitCode()
                        + (status.getReason().isEmpty() ? "" : ", reason " + status.getReason())
                        + (status.getMessage().isEmpty() ? "" : ", message \"" + status.getMessage() + "\"")
                        + logTail());
            }
            if (answered > deadline) {
                throw new BenchmarkException(where + ": container " + containerId + " of pod " + pod.name()
                        + " is still " + status.getState() + " " + timeoutSeconds + " s after StartContainer returned");
            }
            sleep(POLL_MILLIS);
        }
    }

    private <T> T timed(LatencyLog log, LifecycleStep step, Supplier<T> call) {
        long start = System.nanoTime();
        T result;
        try {
            result = call.get();
        } catch (StatusRuntimeException e) {
            throw new BenchmarkException(where + ": " + step.title() + " for pod " + pod.name() + " failed: "
                    + CriErrors.describe(e));
        }
        log.record(step, System.nanoTime() - start);
        return result;
    }

    private boolean attempt(List<String> failures, String what, Supplier<?> call) {
        try {
            call.get();
            return true;
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return true;
            }
            failures.add(what + " (pod " + pod.name() + "): " + CriErrors.describe(e));
            return false;
        }
    }

    private void requireId(String id, String call, String field) {
        if (id.isEmpty()) {
            throw new BenchmarkException(where + ": " + call + " for pod " + pod.name() + " returned an empty " + field);
        }
    }

    private void createLogDirectory() {
        try {
            // the kubelet creates the pod's and the container's log directories; runtimes only write the file
            Files.createDirectories(pod.containerLog().getParent());
        } catch (IOException e) {
            throw new BenchmarkException("cannot create the log directory " + pod.containerLog().getParent()
                    + ": " + e.getMessage());
        }
    }

    private String logTail() {
        try {
            byte[] log = Files.readAllBytes(pod.containerLog());
            if (log.length == 0) {
                return "; its log " + pod.containerLog() + " is empty";
            }
            int from = Math.max(0, log.length - LOG_TAIL_BYTES);
            return "; its log " + pod.containerLog() + " ends:\n" + new String(log, from, log.length - from,
                    StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "; its log " + pod.containerLog() + " cannot be read (" + e.getMessage() + ")";
        }
    }

    private RuntimeServiceBlockingStub stub() {
        return client.runtime().withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkException("interrupted while waiting for a container to run");
        }
    }
}
