package dev.cortado.runtime.service;

import dev.cortado.cri.v1.CgroupDriver;
import dev.cortado.cri.v1.Container;
import dev.cortado.cri.v1.ContainerStatusRequest;
import dev.cortado.cri.v1.ContainerStatusResponse;
import dev.cortado.cri.v1.CreateContainerRequest;
import dev.cortado.cri.v1.CreateContainerResponse;
import dev.cortado.cri.v1.ExecSyncRequest;
import dev.cortado.cri.v1.ExecSyncResponse;
import dev.cortado.cri.v1.ListContainersRequest;
import dev.cortado.cri.v1.ListContainersResponse;
import dev.cortado.cri.v1.ListPodSandboxRequest;
import dev.cortado.cri.v1.ListPodSandboxResponse;
import dev.cortado.cri.v1.PodSandbox;
import dev.cortado.cri.v1.PodSandboxStatusRequest;
import dev.cortado.cri.v1.PodSandboxStatusResponse;
import dev.cortado.cri.v1.RemoveContainerRequest;
import dev.cortado.cri.v1.RemoveContainerResponse;
import dev.cortado.cri.v1.RemovePodSandboxRequest;
import dev.cortado.cri.v1.RemovePodSandboxResponse;
import dev.cortado.cri.v1.ReopenContainerLogRequest;
import dev.cortado.cri.v1.ReopenContainerLogResponse;
import dev.cortado.cri.v1.RunPodSandboxRequest;
import dev.cortado.cri.v1.RunPodSandboxResponse;
import dev.cortado.cri.v1.StartContainerRequest;
import dev.cortado.cri.v1.StartContainerResponse;
import dev.cortado.cri.v1.StopContainerRequest;
import dev.cortado.cri.v1.StopContainerResponse;
import dev.cortado.cri.v1.StopPodSandboxRequest;
import dev.cortado.cri.v1.StopPodSandboxResponse;
import dev.cortado.cri.v1.StreamContainersRequest;
import dev.cortado.cri.v1.StreamContainersResponse;
import dev.cortado.cri.v1.StreamPodSandboxesRequest;
import dev.cortado.cri.v1.StreamPodSandboxesResponse;
import dev.cortado.runtime.container.ContainerLifecycle;
import dev.cortado.runtime.container.ContainerManager;
import dev.cortado.runtime.sandbox.SandboxManager;
import dev.cortado.runtime.streaming.StreamingService;
import dev.cortado.cri.v1.AttachRequest;
import dev.cortado.cri.v1.AttachResponse;
import dev.cortado.cri.v1.ExecRequest;
import dev.cortado.cri.v1.ExecResponse;
import dev.cortado.cri.v1.PortForwardRequest;
import dev.cortado.cri.v1.PortForwardResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import dev.cortado.cri.v1.LinuxRuntimeConfiguration;
import dev.cortado.cri.v1.RuntimeCondition;
import dev.cortado.cri.v1.RuntimeConfigRequest;
import dev.cortado.cri.v1.RuntimeConfigResponse;
import dev.cortado.cri.v1.RuntimeFeatures;
import dev.cortado.cri.v1.RuntimeHandler;
import dev.cortado.cri.v1.RuntimeHandlerFeatures;
import dev.cortado.cri.v1.RuntimeServiceGrpc;
import dev.cortado.cri.v1.RuntimeStatus;
import dev.cortado.cri.v1.StatusRequest;
import dev.cortado.cri.v1.StatusResponse;
import dev.cortado.cri.v1.UpdateRuntimeConfigRequest;
import dev.cortado.cri.v1.UpdateRuntimeConfigResponse;
import dev.cortado.cri.v1.VersionRequest;
import dev.cortado.cri.v1.VersionResponse;
import dev.cortado.rpc.Rpc;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * The CRI RuntimeService: each RPC validated and handed to the pod or container operations.
 * RPCs not overridden here answer UNIMPLEMENTED with the RPC's full name (grpc's default), never
 * an empty success.
 */
public final class RuntimeServiceImpl extends RuntimeServiceGrpc.RuntimeServiceImplBase {

    private static final Logger LOG = Logger.getLogger(RuntimeServiceImpl.class.getName());
    /** The CRI's own version field: the kubelet expects this constant. */
    static final String KUBE_API_VERSION = "0.1.0";

    /** Items per message of the streaming list RPCs: far below the kubelet's 16 MiB limit. */
    static final int STREAM_PAGE = 500;

    private final String runtimeVersion;
    private final RuntimeReadiness readiness;
    private final PodOperations pods;
    private final ContainerOperations containers;
    private final AtomicReference<String> podCidr = new AtomicReference<>("");
    /** Exec, Attach and PortForward; null: those RPCs stay UNIMPLEMENTED. */
    private final StreamingService streaming;

    public RuntimeServiceImpl(String runtimeVersion, RuntimeReadiness readiness, SandboxManager sandboxes,
                              ContainerManager containerManager, ContainerLifecycle lifecycle) {
        this(runtimeVersion, readiness, sandboxes, containerManager, lifecycle, null);
    }

    public RuntimeServiceImpl(String runtimeVersion, RuntimeReadiness readiness, SandboxManager sandboxes,
                              ContainerManager containerManager, ContainerLifecycle lifecycle,
                              StreamingService streaming) {
        this.streaming = streaming;
        this.runtimeVersion = runtimeVersion;
        this.readiness = readiness;
        this.pods = new PodOperations(sandboxes, containerManager, lifecycle);
        this.containers = new ContainerOperations(containerManager, lifecycle);
    }

    @Override
    public void runPodSandbox(RunPodSandboxRequest request, StreamObserver<RunPodSandboxResponse> response) {
        Rpc.run("RunPodSandbox", response, () -> RunPodSandboxResponse.newBuilder()
                .setPodSandboxId(pods.run(request)).build());
    }

    @Override
    public void stopPodSandbox(StopPodSandboxRequest request, StreamObserver<StopPodSandboxResponse> response) {
        Rpc.run("StopPodSandbox", response, () -> {
            pods.stop(request.getPodSandboxId());
            return StopPodSandboxResponse.getDefaultInstance();
        });
    }

    @Override
    public void removePodSandbox(RemovePodSandboxRequest request,
                                 StreamObserver<RemovePodSandboxResponse> response) {
        Rpc.run("RemovePodSandbox", response, () -> {
            pods.remove(request.getPodSandboxId());
            return RemovePodSandboxResponse.getDefaultInstance();
        });
    }

    @Override
    public void podSandboxStatus(PodSandboxStatusRequest request,
                                 StreamObserver<PodSandboxStatusResponse> response) {
        Rpc.run("PodSandboxStatus", response, () -> pods.status(request));
    }

    @Override
    public void listPodSandbox(ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> response) {
        Rpc.run("ListPodSandbox", response, () -> ListPodSandboxResponse.newBuilder()
                .addAllItems(pods.list(request.getFilter())).build());
    }

    @Override
    public void streamPodSandboxes(StreamPodSandboxesRequest request,
                                   StreamObserver<StreamPodSandboxesResponse> response) {
        Rpc.stream("StreamPodSandboxes", response, () -> {
            List<PodSandbox> items = pods.list(request.getFilter());
            for (int from = 0; from < items.size() || from == 0; from += STREAM_PAGE) {
                response.onNext(StreamPodSandboxesResponse.newBuilder()
                        .addAllPodSandboxes(items.subList(from, Math.min(items.size(), from + STREAM_PAGE))).build());
            }
        });
    }

    @Override
    public void createContainer(CreateContainerRequest request, StreamObserver<CreateContainerResponse> response) {
        Rpc.run("CreateContainer", response, () -> CreateContainerResponse.newBuilder()
                .setContainerId(containers.create(request)).build());
    }

    @Override
    public void startContainer(StartContainerRequest request, StreamObserver<StartContainerResponse> response) {
        Rpc.run("StartContainer", response, () -> {
            containers.start(request.getContainerId());
            return StartContainerResponse.getDefaultInstance();
        });
    }

    @Override
    public void stopContainer(StopContainerRequest request, StreamObserver<StopContainerResponse> response) {
        Rpc.run("StopContainer", response, () -> {
            containers.stop(request.getContainerId(), request.getTimeout());
            return StopContainerResponse.getDefaultInstance();
        });
    }

    @Override
    public void removeContainer(RemoveContainerRequest request, StreamObserver<RemoveContainerResponse> response) {
        Rpc.run("RemoveContainer", response, () -> {
            containers.remove(request.getContainerId());
            return RemoveContainerResponse.getDefaultInstance();
        });
    }

    @Override
    public void containerStatus(ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> response) {
        Rpc.run("ContainerStatus", response, () -> containers.status(request));
    }

    @Override
    public void listContainers(ListContainersRequest request, StreamObserver<ListContainersResponse> response) {
        Rpc.run("ListContainers", response, () -> ListContainersResponse.newBuilder()
                .addAllContainers(containers.list(request.getFilter())).build());
    }

    @Override
    public void streamContainers(StreamContainersRequest request,
                                 StreamObserver<StreamContainersResponse> response) {
        Rpc.stream("StreamContainers", response, () -> {
            List<Container> items = containers.list(request.getFilter());
            for (int from = 0; from < items.size() || from == 0; from += STREAM_PAGE) {
                response.onNext(StreamContainersResponse.newBuilder()
                        .addAllContainers(items.subList(from, Math.min(items.size(), from + STREAM_PAGE))).build());
            }
        });
    }

    @Override
    public void reopenContainerLog(ReopenContainerLogRequest request,
                                   StreamObserver<ReopenContainerLogResponse> response) {
        Rpc.run("ReopenContainerLog", response, () -> {
            containers.reopenLog(request.getContainerId());
            return ReopenContainerLogResponse.getDefaultInstance();
        });
    }

    @Override
    public void execSync(ExecSyncRequest request, StreamObserver<ExecSyncResponse> response) {
        Rpc.run("ExecSync", response, () -> containers.execSync(request));
    }

    @Override
    public void exec(ExecRequest request, StreamObserver<ExecResponse> response) {
        if (streaming == null) {
            super.exec(request, response);
            return;
        }
        Rpc.run("Exec", response, () -> streaming.exec(request));
    }

    @Override
    public void attach(AttachRequest request, StreamObserver<AttachResponse> response) {
        if (streaming == null) {
            super.attach(request, response);
            return;
        }
        Rpc.run("Attach", response, () -> streaming.attach(request));
    }

    @Override
    public void portForward(PortForwardRequest request, StreamObserver<PortForwardResponse> response) {
        if (streaming == null) {
            super.portForward(request, response);
            return;
        }
        Rpc.run("PortForward", response, () -> streaming.portForward(request));
    }

    @Override
    public void version(VersionRequest request, StreamObserver<VersionResponse> response) {
        Rpc.run("Version", response, () -> VersionResponse.newBuilder()
                .setVersion(KUBE_API_VERSION)
                .setRuntimeName("cortado")
                .setRuntimeVersion(runtimeVersion)
                .setRuntimeApiVersion("v1")
                .build());
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> response) {
        Rpc.run("Status", response, () -> {
            RuntimeStatus.Builder status = RuntimeStatus.newBuilder();
            for (RuntimeCondition condition : readiness.conditions()) {
                status.addConditions(condition);
            }
            StatusResponse.Builder answer = StatusResponse.newBuilder()
                    .setStatus(status)
                    .addRuntimeHandlers(RuntimeHandler.newBuilder()
                            .setName("")
                            .setFeatures(RuntimeHandlerFeatures.newBuilder()
                                    .setRecursiveReadOnlyMounts(false)
                                    .setUserNamespaces(false)))
                    .setFeatures(RuntimeFeatures.newBuilder().setSupplementalGroupsPolicy(false));
            if (request.getVerbose()) {
                answer.putInfo("podCIDR", podCidr.get());
                answer.putInfo("config", readiness.describeConfig());
            }
            return answer.build();
        });
    }

    @Override
    public void runtimeConfig(RuntimeConfigRequest request,
                              StreamObserver<RuntimeConfigResponse> response) {
        Rpc.run("RuntimeConfig", response, () -> RuntimeConfigResponse.newBuilder()
                .setLinux(LinuxRuntimeConfiguration.newBuilder().setCgroupDriver(CgroupDriver.CGROUPFS))
                .build());
    }

    @Override
    public void updateRuntimeConfig(UpdateRuntimeConfigRequest request,
                                    StreamObserver<UpdateRuntimeConfigResponse> response) {
        Rpc.run("UpdateRuntimeConfig", response, () -> {
            String cidr = request.getRuntimeConfig().getNetworkConfig().getPodCidr();
            if (!cidr.isEmpty() && !cidr.equals(podCidr.getAndSet(cidr))) {
                LOG.info("pod CIDR set to " + cidr);
            }
            return UpdateRuntimeConfigResponse.getDefaultInstance();
        });
    }
}
