package dev.cortado.runtime.events;

import dev.cortado.cri.v1.ContainerEventResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One GetContainerEvents stream: a bounded queue drained only while gRPC says the client can take
 * more, so a slow reader's events wait here instead of piling up in the transport.
 */
final class EventSubscription {

    private static final Logger LOG = Logger.getLogger(EventSubscription.class.getName());

    private final ServerCallStreamObserver<ContainerEventResponse> stream;
    private final int limit;
    private final Consumer<EventSubscription> onEnd;
    private final ArrayDeque<ContainerEventResponse> queue = new ArrayDeque<>();
    private boolean ended;

    EventSubscription(ServerCallStreamObserver<ContainerEventResponse> stream, int limit,
                      Consumer<EventSubscription> onEnd) {
        this.stream = stream;
        this.limit = limit;
        this.onEnd = onEnd;
    }

    void start() {
        stream.setOnCancelHandler(this::cancelled);
        stream.setOnReadyHandler(this::drain);
    }

    void offer(ContainerEventResponse event) {
        synchronized (this) {
            if (ended) {
                return;
            }
            if (queue.size() >= limit) {
                ended = true;
                queue.clear();
                LOG.warning("container events: a subscriber fell " + limit + " events behind; ending its stream");
                onEnd.accept(this);
                stream.onError(Status.RESOURCE_EXHAUSTED.withDescription("the client fell more than " + limit
                        + " container events behind; subscribe again and relist").asRuntimeException());
                return;
            }
            queue.add(event);
        }
        drain();
    }

    /** Sends queued events while the transport has room; called on new events and on readiness. */
    synchronized void drain() {
        while (!ended && !queue.isEmpty() && stream.isReady()) {
            stream.onNext(queue.poll());
        }
    }

    synchronized void complete() {
        if (!ended) {
            ended = true;
            queue.clear();
            stream.onCompleted();
        }
    }

    private void cancelled() {
        synchronized (this) {
            ended = true;
            queue.clear();
        }
        onEnd.accept(this);
    }
}
