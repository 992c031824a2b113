package dev.cortado.runtime.service;

import com.google.protobuf.ByteString;
import dev.cortado.cri.v1.ContainerFilter;
import dev.cortado.cri.v1.ContainerStatusRequest;
import dev.cortado.cri.v1.ContainerStatusResponse;
import dev.cortado.cri.v1.CreateContainerRequest;
import dev.cortado.cri.v1.ExecSyncRequest;
import dev.cortado.cri.v1.ExecSyncResponse;
import dev.cortado.cri.v1.UpdateContainerResourcesRequest;
import dev.cortado.rpc.CriException;
import dev.cortado.runtime.container.Container;
import dev.cortado.runtime.container.ContainerLifecycle;
import dev.cortado.runtime.container.ContainerManager;
import dev.cortado.shim.ExecResult;
import dev.cortado.shim.ShimGoneException;
import dev.cortado.runtime.oci.NamespacedSysctls;
import dev.cortado.shim.ShimException;
import io.grpc.Status;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The container RPCs. */
final class ContainerOperations {

    private final ContainerManager containers;
    private final ContainerLifecycle lifecycle;
    private final ContainerViews views = new ContainerViews();

    ContainerOperations(ContainerManager containers, ContainerLifecycle lifecycle) {
        this.containers = containers;
        this.lifecycle = lifecycle;
    }

    String create(CreateContainerRequest request) throws IOException {
        if (!request.hasConfig()) {
            throw CriException.invalid("config is required");
        }
        try {
            return containers.create(request.getPodSandboxId(), request.getConfig(), request.getSandboxConfig()).id();
        } catch (ShimException failed) {
            // a sysctl value only the kernel can judge is still the request's fault, not the node's
            throw NamespacedSysctls.kernelRefusal(failed).map(CriException::invalid).orElseThrow(() -> failed);
        }
    }

    void start(String id) throws IOException {
        lifecycle.start(containers.get(id));
    }

    void stop(String id, long timeoutSeconds) throws IOException {
        if (timeoutSeconds < 0) {
            throw CriException.invalid("timeout " + timeoutSeconds + " is negative");
        }
        Container container = containers.get(id);
        lifecycle.stop(container, containers.stopSignal(container), timeoutSeconds);
    }

    void updateResources(UpdateContainerResourcesRequest request) throws IOException {
        if (!request.hasLinux()) {
            throw CriException.invalid("linux is required: only Linux resources can be updated");
        }
        containers.updateResources(request.getContainerId(), request.getLinux());
    }

    void remove(String id) throws IOException {
        containers.remove(id);
    }

    ContainerStatusResponse status(ContainerStatusRequest request) throws IOException {
        Container container = containers.get(request.getContainerId());
        ContainerStatusResponse.Builder response = ContainerStatusResponse.newBuilder()
                .setStatus(views.status(container, containers.criStopSignal(container)));
        if (request.getVerbose()) {
            response.putInfo("info", views.info(container, containers.lowerDirs(container)));
        }
        return response.build();
    }

    List<dev.cortado.cri.v1.Container> list(ContainerFilter filter) {
        List<dev.cortado.cri.v1.Container> items = new ArrayList<>();
        for (Container container : containers.all()) {
            if (!filter.getId().isEmpty() && !container.id().startsWith(filter.getId())) {
                continue;
            }
            if (!filter.getPodSandboxId().isEmpty()
                    && !container.record().sandboxId().startsWith(filter.getPodSandboxId())) {
                continue;
            }
            if (filter.hasState() && filter.getState().getState() != ContainerViews.state(container.record())) {
                continue;
            }
            if (!LabelSelector.matches(filter.getLabelSelectorMap(), container.config().getLabelsMap())) {
                continue;
            }
            items.add(views.item(container));
        }
        items.sort((a, b) -> Long.compare(a.getCreatedAt(), b.getCreatedAt()));
        return items;
    }

    void reopenLog(String id) throws IOException {
        Container container = containers.get(id);
        if (!container.running()) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "container " + container.describe()
                    + " is not running");
        }
        try {
            lifecycleShim(container).reopenLog();
        } catch (ShimGoneException gone) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "container " + container.describe()
                    + " is not running (its shim is gone)");
        }
    }

    ExecSyncResponse execSync(ExecSyncRequest request) throws IOException {
        if (request.getTimeout() < 0) {
            throw CriException.invalid("timeout " + request.getTimeout() + " is negative");
        }
        Container container = containers.get(request.getContainerId());
        ExecResult result;
        try {
            result = containers.exec().sync(container, request.getCmdList(),
                    Duration.ofSeconds(request.getTimeout()));
        } catch (ShimGoneException gone) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "container " + container.describe()
                    + " is not running (its shim is gone)");
        } catch (ShimException failed) {
            throw new CriException(Status.Code.UNKNOWN, "exec in container " + container.describe() + " failed: "
                    + failed.getMessage());
        }
        if (result.timedOut()) {
            throw new CriException(Status.Code.DEADLINE_EXCEEDED, "command " + request.getCmdList()
                    + " timed out after " + request.getTimeout() + " s");
        }
        return ExecSyncResponse.newBuilder()
                .setExitCode(result.exitCode())
                .setStdout(ByteString.copyFrom(result.stdout()))
                .setStderr(ByteString.copyFrom(result.stderr()))
                .build();
    }

    private static dev.cortado.shim.ShimClient lifecycleShim(Container container) {
        return container.shimClient();
    }
}
