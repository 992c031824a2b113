package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ContainerEventResponse;
import dev.cortado.cri.v1.ContainerEventType;
import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.GetEventsRequest;
import dev.cortado.cri.v1.PodSandboxState;
import dev.cortado.cri.v1.RuntimeServiceGrpc;
import dev.cortado.hack.bench.CriClient;
import dev.cortado.hack.registry.TempDirs;
import dev.cortado.runtime.daemon.DaemonProcess;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** GetContainerEvents as the kubelet's evented PLEG reads it: ordered, complete, with the pod's status. */
class ContainerEventsTest extends BusyboxDaemonTest {

    ContainerEventsTest() {
        super("ctr-events");
    }

    /** Collects one stream's events; reads only as many as it was asked to when flow control is manual. */
    static final class Subscriber implements ClientResponseObserver<GetEventsRequest, ContainerEventResponse> {
        final BlockingQueue<ContainerEventResponse> events = new LinkedBlockingQueue<>();
        final CountDownLatch ended = new CountDownLatch(1);
        private final int initialRequests;
        volatile Throwable error;
        volatile ClientCallStreamObserver<GetEventsRequest> call;

        Subscriber(int initialRequests) {
            this.initialRequests = initialRequests;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<GetEventsRequest> requestStream) {
            call = requestStream;
            if (initialRequests >= 0) {
                requestStream.disableAutoRequestWithInitial(initialRequests);
            }
        }

        @Override
        public void onNext(ContainerEventResponse value) {
            events.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
            ended.countDown();
        }

        @Override
        public void onCompleted() {
            ended.countDown();
        }

        ContainerEventResponse next(Duration timeout) throws InterruptedException {
            ContainerEventResponse event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(event, "no event within " + timeout + (error == null ? "" : "; the stream failed: " + error));
            return event;
        }

        void cancel() {
            call.cancel("test done", null);
        }
    }

    /**
     * Opens a stream and proves the daemon has it: a probe container is created in {@code pod} and
     * its event awaited. A manual subscriber asks for that one event only.
     */
    private Subscriber subscribe(CriClient client, boolean manual, PodFixture.Pod pod) throws InterruptedException {
        Subscriber subscriber = new Subscriber(manual ? 1 : -1);
        RuntimeServiceGrpc.newStub(client.channel()).getContainerEvents(GetEventsRequest.getDefaultInstance(),
                subscriber);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            String probe = pods.create(pod, PodFixture.container("probe-" + System.nanoTime(),
                    busybox.reference(), "true").build());
            ContainerEventResponse event = subscriber.events.poll(500, TimeUnit.MILLISECONDS);
            pods.remove(probe);
            if (event != null) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "the events stream did not open: " + subscriber.error);
        }
        return subscriber;
    }

    /** Skips events of containers other than {@code id} (none are expected, but be exact about ours). */
    private static ContainerEventResponse nextFor(Subscriber subscriber, String id) throws InterruptedException {
        while (true) {
            ContainerEventResponse event = subscriber.next(Duration.ofSeconds(20));
            if (event.getContainerId().equals(id)) {
                return event;
            }
        }
    }

    private static ContainerStatus statusOf(ContainerEventResponse event, String id) {
        return event.getContainersStatusesList().stream().filter(s -> s.getId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("event " + event.getContainerEventType()
                        + " lacks the status of " + id + ": " + event.getContainersStatusesList()));
    }

    @Test
    void everySubscriberSeesAFullLifecycleInOrderWithThePodStatus() throws Exception {
        try (CriClient second = harness.connect()) {
            PodFixture.Pod pod = pods.startPod("events");
            Subscriber first = subscribe(harness.client(), false, pod);
            Subscriber other = subscribe(second, false, pod);
            try {
                String id = pods.run(pod, "main", busybox.reference(), "sh", "-c", "sleep 0.3");
                pods.awaitState(id, ContainerState.CONTAINER_EXITED, Duration.ofSeconds(10));
                pods.remove(id);

                for (Subscriber subscriber : List.of(first, other)) {
                    ContainerEventResponse created = nextFor(subscriber, id);
                    assertEquals(ContainerEventType.CONTAINER_CREATED_EVENT, created.getContainerEventType());
                    assertEquals(ContainerState.CONTAINER_CREATED, statusOf(created, id).getState());
                    assertEquals(pod.id(), created.getPodSandboxStatus().getId());
                    assertEquals(PodSandboxState.SANDBOX_READY, created.getPodSandboxStatus().getState());

                    ContainerEventResponse started = nextFor(subscriber, id);
                    assertEquals(ContainerEventType.CONTAINER_STARTED_EVENT, started.getContainerEventType());
                    assertEquals(ContainerState.CONTAINER_RUNNING, statusOf(started, id).getState());
                    assertTrue(statusOf(started, id).getStartedAt() > 0);

                    ContainerEventResponse stopped = nextFor(subscriber, id);
                    assertEquals(ContainerEventType.CONTAINER_STOPPED_EVENT, stopped.getContainerEventType());
                    assertEquals(ContainerState.CONTAINER_EXITED, statusOf(stopped, id).getState());
                    assertEquals(0, statusOf(stopped, id).getExitCode());

                    ContainerEventResponse deleted = nextFor(subscriber, id);
                    assertEquals(ContainerEventType.CONTAINER_DELETED_EVENT, deleted.getContainerEventType());
                    assertEquals(pod.id(), deleted.getPodSandboxStatus().getId());
                    assertFalse(deleted.getContainersStatusesList().stream().anyMatch(s -> s.getId().equals(id)),
                            "a deleted container still has a status in its event");

                    assertTrue(created.getCreatedAt() <= started.getCreatedAt()
                            && started.getCreatedAt() <= stopped.getCreatedAt()
                            && stopped.getCreatedAt() <= deleted.getCreatedAt(), "event times out of order");
                }
            } finally {
                first.cancel();
                other.cancel();
            }
        }
    }

    @Test
    void aSlowReaderLosesNoEventWithinTheBuffer() throws Exception {
        try (CriClient slowClient = harness.connect()) {
            // reads nothing more until every event was produced: they wait in the daemon's buffer
            PodFixture.Pod pod = pods.startPod("slow-reader");
            Subscriber slow = subscribe(slowClient, true, pod);
            List<String> expected = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    String id = pods.create(pod, PodFixture.container("c" + i, busybox.reference(), "true").build());
                    ids.add(id);
                    expected.add(ContainerEventType.CONTAINER_CREATED_EVENT + " " + id);
                }
                for (String id : ids) {
                    pods.remove(id);
                    expected.add(ContainerEventType.CONTAINER_DELETED_EVENT + " " + id);
                }
                // the pod's status in each event lists every container: together far more than a window
                slow.call.request(Integer.MAX_VALUE);
                List<String> seen = new ArrayList<>();
                while (seen.size() < expected.size()) {
                    ContainerEventResponse event = slow.next(Duration.ofSeconds(20));
                    if (ids.contains(event.getContainerId())) {
                        seen.add(event.getContainerEventType() + " " + event.getContainerId());
                    }
                }
                assertEquals(expected, seen);
            } finally {
                slow.cancel();
            }
        }
    }

    @Test
    void aDaemonStopEndsOpenStreamsInsteadOfWaitingForThem() throws Exception {
        Path dir = TempDirs.create("cortado-events-stop-");
        DaemonProcess daemon = DaemonProcess.start(dir.resolve("daemon"));
        try (CriClient client = CriClient.connect("unix://" + DaemonProcess.socket(daemon.dir()))) {
            Subscriber subscriber = new Subscriber(-1);
            RuntimeServiceGrpc.newStub(client.channel()).getContainerEvents(GetEventsRequest.getDefaultInstance(),
                    subscriber);
            // whether the call reaches the daemon before or during the stop, it must not hold the stop up
            Thread.sleep(300);
            long begun = System.nanoTime();
            assertEquals(0, daemon.terminate());
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begun);
            // the stop's grace for in-flight calls is a minute; an open stream must not hold it up
            assertTrue(seconds < 30, "the daemon took " + seconds + " s to stop with an events stream open");
            assertTrue(subscriber.ended.await(10, TimeUnit.SECONDS), "the events stream was not ended");
        } finally {
            daemon.close();
            TempDirs.deleteTree(dir);
        }
    }
}
