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
import dev.cortado.cri.v1.ContainerEventResponse;
import dev.cortado.cri.v1.GetEventsRequest;
import dev.cortado.runtime.events.ContainerEventHub;
import io.grpc.stub.ServerCallStreamObserver;
import dev.cortado.runtime.stats.StatsCollector;
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
import dev.cortado.cri.v1.UpdateContainerResourcesRequest;
import dev.cortado.cri.v1.UpdateContainerResourcesResponse;
import dev.cortado.cri.v1.UpdatePodSandboxResourcesRequest;
import dev.cortado.cri.v1.UpdatePodSandboxResourcesResponse;
import dev.cortado.cri.v1.UpdateRuntimeConfigRequest;
import dev.cortado.cri.v1.UpdateRuntimeConfigResponse;
import dev.cortado.cri.v1.VersionRequest;
import dev.cortado.cri.v1.VersionResponse;
import dev.cortado.rpc.Rpc;
import dev.cortado.runtime.oci.SecurityModules;
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
    private final StatsOperations stats;
    private final AtomicReference<String> podCidr = new AtomicReference<>("");
    private final ContainerEventHub events;
    private final SandboxManager sandboxes;
    /** Exec, Attach and PortForward; null: those RPCs stay UNIMPLEMENTED. */
    private final StreamingService streaming;

    public RuntimeServiceImpl(String runtimeVersion, RuntimeReadiness readiness, SandboxManager sandboxes,
                              ContainerManager containerManager, ContainerLifecycle lifecycle,
                              ContainerEventHub events, StatsCollector statsCollector, StreamingService streaming) {
        this.streaming = streaming;
        this.runtimeVersion = runtimeVersion;
        this.events = events;
        this.readiness = readiness;
        this.sandboxes = sandboxes;
        this.pods = new PodOperations(sandboxes, containerManager, lifecycle);
        this.containers = new ContainerOperations(containerManager, lifecycle);
        this.stats = new StatsOperations(sandboxes, containerManager, statsCollector);
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
    public void updateContainerResources(UpdateContainerResourcesRequest request,
                                         StreamObserver<UpdateContainerResourcesResponse> response) {
        Rpc.run("UpdateContainerResources", response, () -> {
            containers.updateResources(request);
            return UpdateContainerResourcesResponse.getDefaultInstance();
        });
    }

    @Override
    public void updatePodSandboxResources(UpdatePodSandboxResourcesRequest request,
                                          StreamObserver<UpdatePodSandboxResourcesResponse> response) {
        Rpc.run("UpdatePodSandboxResources", response, () -> {
            pods.updateResources(request);
            return UpdatePodSandboxResourcesResponse.getDefaultInstance();
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
    public void containerStats(dev.cortado.cri.v1.ContainerStatsRequest request,
                               StreamObserver<dev.cortado.cri.v1.ContainerStatsResponse> response) {
        Rpc.run("ContainerStats", response, () -> dev.cortado.cri.v1.ContainerStatsResponse.newBuilder()
                .setStats(stats.container(request.getContainerId())).build());
    }

    @Override
    public void listContainerStats(dev.cortado.cri.v1.ListContainerStatsRequest request,
                                   StreamObserver<dev.cortado.cri.v1.ListContainerStatsResponse> response) {
        Rpc.run("ListContainerStats", response, () -> dev.cortado.cri.v1.ListContainerStatsResponse.newBuilder()
                .addAllStats(stats.containers(request.getFilter())).build());
    }

    @Override
    public void streamContainerStats(dev.cortado.cri.v1.StreamContainerStatsRequest request,
                                     StreamObserver<dev.cortado.cri.v1.StreamContainerStatsResponse> response) {
        Rpc.stream("StreamContainerStats", response, () -> pages(stats.containers(request.getFilter()),
                page -> response.onNext(dev.cortado.cri.v1.StreamContainerStatsResponse.newBuilder()
                        .addAllContainerStats(page).build())));
    }

    @Override
    public void podSandboxStats(dev.cortado.cri.v1.PodSandboxStatsRequest request,
                                StreamObserver<dev.cortado.cri.v1.PodSandboxStatsResponse> response) {
        Rpc.run("PodSandboxStats", response, () -> dev.cortado.cri.v1.PodSandboxStatsResponse.newBuilder()
                .setStats(stats.pod(request.getPodSandboxId())).build());
    }

    @Override
    public void listPodSandboxStats(dev.cortado.cri.v1.ListPodSandboxStatsRequest request,
                                    StreamObserver<dev.cortado.cri.v1.ListPodSandboxStatsResponse> response) {
        Rpc.run("ListPodSandboxStats", response, () -> dev.cortado.cri.v1.ListPodSandboxStatsResponse.newBuilder()
                .addAllStats(stats.pods(request.getFilter())).build());
    }

    @Override
    public void streamPodSandboxStats(dev.cortado.cri.v1.StreamPodSandboxStatsRequest request,
                                      StreamObserver<dev.cortado.cri.v1.StreamPodSandboxStatsResponse> response) {
        Rpc.stream("StreamPodSandboxStats", response, () -> pages(stats.pods(request.getFilter()),
                page -> response.onNext(dev.cortado.cri.v1.StreamPodSandboxStatsResponse.newBuilder()
                        .addAllPodSandboxStats(page).build())));
    }

    @Override
    public void listMetricDescriptors(dev.cortado.cri.v1.ListMetricDescriptorsRequest request,
                                      StreamObserver<dev.cortado.cri.v1.ListMetricDescriptorsResponse> response) {
        Rpc.run("ListMetricDescriptors", response, () -> dev.cortado.cri.v1.ListMetricDescriptorsResponse
                .newBuilder().addAllDescriptors(StatsCollector.descriptors()).build());
    }

    @Override
    public void listPodSandboxMetrics(dev.cortado.cri.v1.ListPodSandboxMetricsRequest request,
                                      StreamObserver<dev.cortado.cri.v1.ListPodSandboxMetricsResponse> response) {
        Rpc.run("ListPodSandboxMetrics", response, () -> dev.cortado.cri.v1.ListPodSandboxMetricsResponse
                .newBuilder().addAllPodMetrics(stats.metrics()).build());
    }

    @Override
    public void streamPodSandboxMetrics(dev.cortado.cri.v1.StreamPodSandboxMetricsRequest request,
                                        StreamObserver<dev.cortado.cri.v1.StreamPodSandboxMetricsResponse> response) {
        Rpc.stream("StreamPodSandboxMetrics", response, () -> pages(stats.metrics(),
                page -> response.onNext(dev.cortado.cri.v1.StreamPodSandboxMetricsResponse.newBuilder()
                        .addAllPodSandboxMetrics(page).build())));
    }

    /** Sends {@code items} in pages of STREAM_PAGE; an empty list is one empty page. */
    private static <T> void pages(List<T> items, java.util.function.Consumer<List<T>> send) {
        for (int from = 0; from < items.size() || from == 0; from += STREAM_PAGE) {
            send.accept(items.subList(from, Math.min(items.size(), from + STREAM_PAGE)));
        }
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
                                    .setRecursiveReadOnlyMounts(true)
                                    .setUserNamespaces(false)))
                    .setFeatures(RuntimeFeatures.newBuilder().setSupplementalGroupsPolicy(true));
            if (request.getVerbose()) {
                answer.putInfo("podCIDR", podCidr.get());
                answer.putInfo("config", readiness.describeConfig());
                answer.putInfo("securityModules", SecurityModules.detect().describe());
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
            if (!cidr.isEmpty()) {
                sandboxes.network().podCidr(cidr);
            }
            return UpdateRuntimeConfigResponse.getDefaultInstance();
        });
    }

    @Override
    public void getContainerEvents(GetEventsRequest request, StreamObserver<ContainerEventResponse> response) {
        events.subscribe((ServerCallStreamObserver<ContainerEventResponse>) response);
    }
}
