package dev.cortado.runtime.metrics;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Histogram;
import java.util.logging.Logger;

/**
 * Times every CRI call from its arrival to its answer, by method and status code (and, at debug
 * level, logs each call's time: the daemon's share of what a client sees). GetContainerEvents
 * is left out: it is a subscription that lasts as long as the kubelet, not a request.
 */
public final class RpcLatency implements ServerInterceptor {

    private static final Logger LOG = Logger.getLogger(RpcLatency.class.getName());
    private static final String SUBSCRIPTION = "GetContainerEvents";

    private final Histogram seconds;

    public RpcLatency(CollectorRegistry registry) {
        seconds = Histogram.build("cortado_cri_request_duration_seconds",
                        "Time from a CRI call's arrival to its answer, by service, method and gRPC status code.")
                .labelNames("service", "method", "code")
                .buckets(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
                .register(registry);
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                       ServerCallHandler<Q, A> next) {
        MethodDescriptor<Q, A> method = call.getMethodDescriptor();
        String name = method.getBareMethodName();
        if (SUBSCRIPTION.equals(name)) {
            return next.startCall(call, headers);
        }
        String service = shortName(method.getServiceName());
        long arrived = System.nanoTime();
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                long took = System.nanoTime() - arrived;
                seconds.labels(service, name, status.getCode().name()).observe(took / 1e9);
                LOG.fine(() -> String.format("CRI %s answered %s in %.1f ms", name, status.getCode(), took / 1e6));
                super.close(status, trailers);
            }
        }, headers);
    }

    /** {@code runtime.v1.RuntimeService} → {@code RuntimeService}. */
    private static String shortName(String service) {
        if (service == null) {
            return "unknown";
        }
        int dot = service.lastIndexOf('.');
        return dot < 0 ? service : service.substring(dot + 1);
    }
}
