package dev.cortado.runtime.service;

import dev.cortado.cri.v1.ContainerEventResponse;
import dev.cortado.cri.v1.ContainerEventType;
import dev.cortado.rpc.Rpc;
import dev.cortado.runtime.container.Container;
import dev.cortado.runtime.container.ContainerListener;
import dev.cortado.runtime.container.ContainerManager;
import dev.cortado.runtime.events.ContainerEventHub;
import dev.cortado.runtime.sandbox.Sandbox;
import dev.cortado.runtime.sandbox.SandboxManager;

/**
 * Turns container lifecycle steps into the CRI's container events, each with the pod's status and
 * the statuses of the pod's containers as they are at that moment (what the kubelet's evented PLEG
 * puts in its cache without asking again).
 */
public final class ContainerEventPublisher implements ContainerListener {

    private final ContainerEventHub hub;
    private final SandboxManager sandboxes;
    private final ContainerManager containers;
    private final SandboxViews podViews = new SandboxViews();
    private final ContainerViews containerViews = new ContainerViews();

    public ContainerEventPublisher(ContainerEventHub hub, SandboxManager sandboxes, ContainerManager containers) {
        this.hub = hub;
        this.sandboxes = sandboxes;
        this.containers = containers;
    }

    @Override
    public void changed(Container container, Change change) {
        if (hub.subscribers() == 0) {
            return;
        }
        String podId = container.record().sandboxId();
        ContainerEventResponse.Builder event = ContainerEventResponse.newBuilder()
                .setContainerId(container.id())
                .setContainerEventType(type(change))
                .setCreatedAt(Rpc.nowNanos());
        if (sandboxes.exists(podId)) {
            Sandbox sandbox = sandboxes.get(podId);
            event.setPodSandboxStatus(podViews.status(sandbox, sandboxes.addresses(sandbox)));
        }
        for (Container member : containers.inSandbox(podId)) {
            event.addContainersStatuses(containerViews.status(member, containers.criStopSignal(member)));
        }
        hub.publish(event.build());
    }

    static ContainerEventType type(Change change) {
        return switch (change) {
            case CREATED -> ContainerEventType.CONTAINER_CREATED_EVENT;
            case STARTED -> ContainerEventType.CONTAINER_STARTED_EVENT;
            case STOPPED -> ContainerEventType.CONTAINER_STOPPED_EVENT;
            case DELETED -> ContainerEventType.CONTAINER_DELETED_EVENT;
        };
    }
}
