package dev.cortado.runtime.service;

import dev.cortado.cri.v1.CgroupDriver;
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
 * The CRI RuntimeService. RPCs not overridden here answer UNIMPLEMENTED with the RPC's full
 * name (grpc's default), never an empty success.
 */
public final class RuntimeServiceImpl extends RuntimeServiceGrpc.RuntimeServiceImplBase {

    private static final Logger LOG = Logger.getLogger(RuntimeServiceImpl.class.getName());
    /** The CRI's own version field: the kubelet expects this constant. */
    static final String KUBE_API_VERSION = "0.1.0";

    private final String runtimeVersion;
    private final RuntimeReadiness readiness;
    private final AtomicReference<String> podCidr = new AtomicReference<>("");

    public RuntimeServiceImpl(String runtimeVersion, RuntimeReadiness readiness) {
        this.runtimeVersion = runtimeVersion;
        this.readiness = readiness;
    }

    @Override
    public void version(VersionRequest request, io.grpc.stub.StreamObserver<VersionResponse> response) {
        Rpc.run("Version", response, () -> VersionResponse.newBuilder()
                .setVersion(KUBE_API_VERSION)
                .setRuntimeName("cortado")
                .setRuntimeVersion(runtimeVersion)
                .setRuntimeApiVersion("v1")
                .build());
    }

    @Override
    public void status(StatusRequest request, io.grpc.stub.StreamObserver<StatusResponse> response) {
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
                              io.grpc.stub.StreamObserver<RuntimeConfigResponse> response) {
        Rpc.run("RuntimeConfig", response, () -> RuntimeConfigResponse.newBuilder()
                .setLinux(LinuxRuntimeConfiguration.newBuilder().setCgroupDriver(CgroupDriver.CGROUPFS))
                .build());
    }

    @Override
    public void updateRuntimeConfig(UpdateRuntimeConfigRequest request,
                                    io.grpc.stub.StreamObserver<UpdateRuntimeConfigResponse> response) {
        Rpc.run("UpdateRuntimeConfig", response, () -> {
            String cidr = request.getRuntimeConfig().getNetworkConfig().getPodCidr();
            if (!cidr.isEmpty() && !cidr.equals(podCidr.getAndSet(cidr))) {
                LOG.info("pod CIDR set to " + cidr);
            }
            return UpdateRuntimeConfigResponse.getDefaultInstance();
        });
    }
}
