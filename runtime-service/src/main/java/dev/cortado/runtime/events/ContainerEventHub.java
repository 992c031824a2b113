package dev.cortado.runtime.events;

import dev.cortado.cri.v1.ContainerEventResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * Hands every container event to every GetContainerEvents subscriber, in one order for all of
 * them. Each subscriber has its own bounded buffer, so a slow reader delays nobody else and loses
 * nothing until its buffer is full; then its stream is ended with RESOURCE_EXHAUSTED and the
 * kubelet falls back to relisting.
 */
public final class ContainerEventHub implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ContainerEventHub.class.getName());
    /** Events held per subscriber: a kubelet's relist covers more than a burst this large. */
    public static final int DEFAULT_BUFFER = 10_000;

    private final int buffer;
    private final List<EventSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private boolean closed;

    public ContainerEventHub(int buffer) {
        if (buffer < 1) {
            throw new IllegalArgumentException("an event buffer holds at least one event, not " + buffer);
        }
        this.buffer = buffer;
    }

    /** Starts sending events to a new stream; it ends when the client cancels or the hub closes. */
    public synchronized void subscribe(ServerCallStreamObserver<ContainerEventResponse> stream) {
        EventSubscription subscription = new EventSubscription(stream, buffer, subscriptions::remove);
        if (closed) {
            subscription.complete();
            return;
        }
        subscriptions.add(subscription);
        subscription.start();
        LOG.fine("container events: subscriber added, " + subscriptions.size() + " in all");
    }

    /** Queues one event for every subscriber; never blocks on a client. */
    public synchronized void publish(ContainerEventResponse event) {
        for (EventSubscription subscription : subscriptions) {
            subscription.offer(event);
        }
    }

    public int subscribers() {
        return subscriptions.size();
    }

    /** Ends every stream normally, so that a daemon stop does not wait for them. */
    @Override
    public synchronized void close() {
        closed = true;
        for (EventSubscription subscription : subscriptions) {
            subscription.complete();
        }
        subscriptions.clear();
    }
}
