package dev.cortado.hack.bench;

import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.ContainerStatusRequest;
import dev.cortado.cri.v1.ExecSyncRequest;
import dev.cortado.cri.v1.ExecSyncResponse;
import dev.cortado.cri.v1.ContainerStatusResponse;
import dev.cortado.cri.v1.CreateContainerRequest;
import dev.cortado.cri.v1.CreateContainerResponse;
import dev.cortado.cri.v1.KeyValue;
import dev.cortado.cri.v1.ListContainersRequest;
import dev.cortado.cri.v1.ListContainersResponse;
import dev.cortado.cri.v1.ListPodSandboxRequest;
import dev.cortado.cri.v1.ListPodSandboxResponse;
import dev.cortado.cri.v1.PodSandbox;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.RemoveContainerRequest;
import dev.cortado.cri.v1.RemoveContainerResponse;
import dev.cortado.cri.v1.RemovePodSandboxRequest;
import dev.cortado.cri.v1.RemovePodSandboxResponse;
import dev.cortado.cri.v1.RunPodSandboxRequest;
import dev.cortado.cri.v1.RunPodSandboxResponse;
import dev.cortado.cri.v1.RuntimeServiceGrpc;
import dev.cortado.cri.v1.StartContainerRequest;
import dev.cortado.cri.v1.StartContainerResponse;
import dev.cortado.cri.v1.StopContainerRequest;
import dev.cortado.cri.v1.StopContainerResponse;
import dev.cortado.cri.v1.StopPodSandboxRequest;
import dev.cortado.cri.v1.StopPodSandboxResponse;
import dev.cortado.cri.v1.VersionRequest;
import dev.cortado.cri.v1.VersionResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A RuntimeService whose containers are real processes: StartContainer starts a "shim" (sh) that
 * runs the container's command through env with the container's environment and waits for it,
 * so the shim is the container process's parent, as with a real runtime. StopContainer kills the
 * container process; the shim then exits. Optionally StartContainer fails after a number of
 * successes, as a runtime under construction does.
 */
final class InMemoryRuntime extends RuntimeServiceGrpc.RuntimeServiceImplBase implements AutoCloseable {
    private final int startsBeforeFailure;
    private final boolean passEnvironment;
    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    final Map<String, PodSandboxConfig> sandboxes = new ConcurrentHashMap<>();
    final Map<String, Container> containers = new ConcurrentHashMap<>();
    /** Every shim ever started, for {@link #close}. */
    final List<Process> shims = new CopyOnWriteArrayList<>();

    static final class Container {
        final String sandboxId;
        final ContainerConfig config;
        volatile Process shim;
        volatile ProcessHandle process;
        volatile boolean exited;

        Container(String sandboxId, ContainerConfig config) {
            this.sandboxId = sandboxId;
            this.config = config;
        }

        ContainerState state() {
            return exited ? ContainerState.CONTAINER_EXITED
                    : process != null ? ContainerState.CONTAINER_RUNNING : ContainerState.CONTAINER_CREATED;
        }
    }

    /** @param startsBeforeFailure StartContainer succeeds this often, then answers UNIMPLEMENTED */
    InMemoryRuntime(int startsBeforeFailure, boolean passEnvironment) {
        this.startsBeforeFailure = startsBeforeFailure;
        this.passEnvironment = passEnvironment;
    }

    @Override
    public void version(VersionRequest request, StreamObserver<VersionResponse> response) {
        reply(response, InMemoryCriServer.VERSION);
    }

    @Override
    public void runPodSandbox(RunPodSandboxRequest request, StreamObserver<RunPodSandboxResponse> response) {
        String id = "sandbox-" + ids.incrementAndGet();
        sandboxes.put(id, request.getConfig());
        reply(response, RunPodSandboxResponse.newBuilder().setPodSandboxId(id).build());
    }

    @Override
    public void createContainer(CreateContainerRequest request, StreamObserver<CreateContainerResponse> response) {
        if (!sandboxes.containsKey(request.getPodSandboxId())) {
            response.onError(Status.NOT_FOUND.withDescription("sandbox " + request.getPodSandboxId()).asException());
            return;
        }
        String id = "container-" + ids.incrementAndGet();
        containers.put(id, new Container(request.getPodSandboxId(), request.getConfig()));
        reply(response, CreateContainerResponse.newBuilder().setContainerId(id).build());
    }

    @Override
    public void startContainer(StartContainerRequest request, StreamObserver<StartContainerResponse> response) {
        if (starts.incrementAndGet() > startsBeforeFailure) {
            response.onError(Status.UNIMPLEMENTED.withDescription("StartContainer is not written yet").asException());
            return;
        }
        Container container = containers.get(request.getContainerId());
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "\"$@\" & wait", "shim", "/usr/bin/env"));
        if (passEnvironment) {
            for (KeyValue env : container.config.getEnvsList()) {
                command.add(env.getKey() + "=" + env.getValue().toStringUtf8());
            }
        }
        command.addAll(container.config.getCommandList());
        try {
            container.shim = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            shims.add(container.shim);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (container.process == null && System.nanoTime() < deadline) {
                container.shim.toHandle().children().findFirst().ifPresent(child -> container.process = child);
                Thread.sleep(2);
            }
        } catch (IOException | InterruptedException e) {
            response.onError(Status.INTERNAL.withDescription(e.toString()).asException());
            return;
        }
        reply(response, StartContainerResponse.getDefaultInstance());
    }

    @Override
    public void containerStatus(ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> response) {
        Container container = containers.get(request.getContainerId());
        reply(response, ContainerStatusResponse.newBuilder().setStatus(ContainerStatus.newBuilder()
                .setId(request.getContainerId()).setState(container.state())).build());
    }

    /** Runs the command as a host process (the benchmark asks for {@code /bin/sleep 0}). */
    @Override
    public void execSync(ExecSyncRequest request, StreamObserver<ExecSyncResponse> response) {
        Container container = containers.get(request.getContainerId());
        if (container == null || container.state() != ContainerState.CONTAINER_RUNNING) {
            response.onError(Status.FAILED_PRECONDITION.withDescription("container is not running").asException());
            return;
        }
        try {
            Process process = new ProcessBuilder(request.getCmdList()).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            reply(response, ExecSyncResponse.newBuilder().setExitCode(process.waitFor())
                    .setStdout(com.google.protobuf.ByteString.copyFrom(output)).build());
        } catch (java.io.IOException | InterruptedException e) {
            response.onError(Status.INTERNAL.withDescription(e.toString()).asException());
        }
    }

    @Override
    public void stopContainer(StopContainerRequest request, StreamObserver<StopContainerResponse> response) {
        stop(containers.get(request.getContainerId()));
        reply(response, StopContainerResponse.getDefaultInstance());
    }

    @Override
    public void removeContainer(RemoveContainerRequest request, StreamObserver<RemoveContainerResponse> response) {
        Container container = containers.get(request.getContainerId());
        if (container != null && container.state() == ContainerState.CONTAINER_RUNNING) {
            response.onError(Status.FAILED_PRECONDITION.withDescription("container is running").asException());
            return;
        }
        containers.remove(request.getContainerId());
        reply(response, RemoveContainerResponse.getDefaultInstance());
    }

    @Override
    public void stopPodSandbox(StopPodSandboxRequest request, StreamObserver<StopPodSandboxResponse> response) {
        containers.values().stream().filter(c -> c.sandboxId.equals(request.getPodSandboxId())).forEach(this::stop);
        reply(response, StopPodSandboxResponse.getDefaultInstance());
    }

    @Override
    public void removePodSandbox(RemovePodSandboxRequest request, StreamObserver<RemovePodSandboxResponse> response) {
        containers.values().removeIf(c -> c.sandboxId.equals(request.getPodSandboxId()));
        sandboxes.remove(request.getPodSandboxId());
        reply(response, RemovePodSandboxResponse.getDefaultInstance());
    }

    @Override
    public void listPodSandbox(ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> response) {
        ListPodSandboxResponse.Builder answer = ListPodSandboxResponse.newBuilder();
        sandboxes.forEach((id, config) -> {
            if (config.getLabelsMap().entrySet().containsAll(request.getFilter().getLabelSelectorMap().entrySet())) {
                answer.addItems(PodSandbox.newBuilder().setId(id).putAllLabels(config.getLabelsMap()));
            }
        });
        reply(response, answer.build());
    }

    @Override
    public void listContainers(ListContainersRequest request, StreamObserver<ListContainersResponse> response) {
        ListContainersResponse.Builder answer = ListContainersResponse.newBuilder();
        containers.forEach((id, container) -> {
            if (container.config.getLabelsMap().entrySet()
                    .containsAll(request.getFilter().getLabelSelectorMap().entrySet())) {
                answer.addContainers(dev.cortado.cri.v1.Container.newBuilder().setId(id)
                        .putAllLabels(container.config.getLabelsMap()));
            }
        });
        reply(response, answer.build());
    }

    private void stop(Container container) {
        if (container == null || container.shim == null || container.exited) {
            return;
        }
        if (container.process != null) {
            container.process.destroyForcibly();
        }
        try {
            container.shim.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        container.exited = true;
    }

    private static <T> void reply(StreamObserver<T> response, T message) {
        response.onNext(message);
        response.onCompleted();
    }

    /** Kills every process still running, whatever the test did. */
    @Override
    public void close() {
        for (Process shim : shims) {
            shim.descendants().forEach(ProcessHandle::destroyForcibly);
            shim.destroyForcibly();
        }
    }
}
