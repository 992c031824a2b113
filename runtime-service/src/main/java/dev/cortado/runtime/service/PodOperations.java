package dev.cortado.runtime.service;

import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.PodSandbox;
import dev.cortado.cri.v1.PodSandboxFilter;
import dev.cortado.cri.v1.PodSandboxStatusRequest;
import dev.cortado.cri.v1.PodSandboxStatusResponse;
import dev.cortado.cri.v1.RunPodSandboxRequest;
import dev.cortado.cri.v1.UpdatePodSandboxResourcesRequest;
import dev.cortado.rpc.CriException;
import dev.cortado.runtime.container.Container;
import dev.cortado.runtime.container.ContainerLifecycle;
import dev.cortado.runtime.container.ContainerManager;
import dev.cortado.runtime.network.CniPluginException;
import dev.cortado.runtime.sandbox.Sandbox;
import dev.cortado.runtime.sandbox.SandboxManager;
import dev.cortado.rpc.Rpc;
import io.grpc.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The pod RPCs, which also stop and remove a pod's containers in the right order. */
final class PodOperations {

    private final SandboxManager sandboxes;
    private final ContainerManager containers;
    private final ContainerLifecycle lifecycle;
    private final SandboxViews views = new SandboxViews();
    private final ContainerViews containerViews = new ContainerViews();

    PodOperations(SandboxManager sandboxes, ContainerManager containers, ContainerLifecycle lifecycle) {
        this.sandboxes = sandboxes;
        this.containers = containers;
        this.lifecycle = lifecycle;
    }

    String run(RunPodSandboxRequest request) throws IOException {
        if (!request.hasConfig()) {
            throw CriException.invalid("config is required");
        }
        return sandboxes.run(request.getConfig(), request.getRuntimeHandler()).id();
    }

    void updateResources(UpdatePodSandboxResourcesRequest request) throws IOException {
        sandboxes.updateResources(sandboxes.get(request.getPodSandboxId()), request.getOverhead(),
                request.getResources());
    }

    /** Kills every container of the pod (no grace: the kubelet stopped them already), then the pod. */
    void stop(String id) throws IOException {
        Sandbox sandbox = sandboxes.get(id);
        for (Container container : containers.inSandbox(sandbox.id())) {
            lifecycle.stop(container, ContainerLifecycle.SIGKILL, 0);
        }
        sandboxes.stop(sandbox);
    }

    /** Removes every container of the pod and the pod; an unknown pod is already removed. */
    void remove(String id) throws IOException {
        Sandbox sandbox;
        try {
            sandbox = sandboxes.get(id);
        } catch (CriException e) {
            if (e.code() == Status.Code.NOT_FOUND) {
                return;
            }
            throw e;
        }
        for (Container container : containers.inSandbox(sandbox.id())) {
            containers.remove(container.id());
        }
        sandboxes.remove(sandbox.id());
    }

    PodSandboxStatusResponse status(PodSandboxStatusRequest request) throws IOException {
        Sandbox sandbox = sandboxes.get(request.getPodSandboxId());
        PodSandboxStatusResponse.Builder response = PodSandboxStatusResponse.newBuilder()
                .setStatus(views.status(sandbox, sandboxes.addresses(sandbox)))
                .setTimestamp(Rpc.nowNanos());
        List<ContainerStatus> statuses = new ArrayList<>();
        for (Container container : containers.inSandbox(sandbox.id())) {
            statuses.add(containerViews.status(container, containers.criStopSignal(container)));
        }
        response.addAllContainersStatuses(statuses);
        if (request.getVerbose()) {
            response.putInfo("info", views.info(sandbox, sandboxes.network().attachment(sandbox.id()),
                    check(sandbox)));
        }
        return response.build();
    }

    /** CHECK for verbose status only: it runs every plugin, too costly for the kubelet's polling. */
    private String check(Sandbox sandbox) throws IOException {
        if (!sandbox.ready() || sandbox.hostNetwork()) {
            return "not checked: " + (sandbox.hostNetwork() ? "host network" : "pod not ready");
        }
        try {
            sandboxes.network().check(sandbox.id());
            return "ok";
        } catch (CniPluginException e) {
            return "failed: " + e.getMessage();
        }
    }

    List<PodSandbox> list(PodSandboxFilter filter) {
        List<PodSandbox> items = new ArrayList<>();
        for (Sandbox sandbox : sandboxes.all()) {
            if (!filter.getId().isEmpty() && !sandbox.id().startsWith(filter.getId())) {
                continue;
            }
            if (filter.hasState() && filter.getState().getState() != SandboxViews.state(sandbox)) {
                continue;
            }
            if (!LabelSelector.matches(filter.getLabelSelectorMap(), sandbox.config().getLabelsMap())) {
                continue;
            }
            items.add(views.item(sandbox));
        }
        items.sort((a, b) -> Long.compare(a.getCreatedAt(), b.getCreatedAt()));
        return items;
    }
}
