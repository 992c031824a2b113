package dev.cortado.rpc;

import dev.cortado.image.content.ContentMismatchException;
import dev.cortado.image.registry.RegistryException;
import dev.cortado.image.unpack.UnsafeLayerException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one RPC and turns its failure into a gRPC status a person can act on: a code that says
 * what kind of failure it was and the message, never a stack trace and never a silent success.
 */
public final class Rpc {

    private static final Logger LOG = Logger.getLogger(Rpc.class.getName());

    private Rpc() {
    }

    @FunctionalInterface
    public interface Call<T> {
        T call() throws Exception;
    }

    @FunctionalInterface
    public interface Streaming {
        void run() throws Exception;
    }

    public static <T> void run(String name, StreamObserver<T> response, Call<T> call) {
        T answer;
        try {
            answer = call.call();
        } catch (Throwable failure) {
            response.onError(toStatus(name, failure));
            return;
        }
        response.onNext(answer);
        response.onCompleted();
    }

    public static <T> void stream(String name, StreamObserver<T> response, Streaming body) {
        try {
            body.run();
        } catch (Throwable failure) {
            response.onError(toStatus(name, failure));
            return;
        }
        response.onCompleted();
    }

    public static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    static StatusRuntimeException toStatus(String rpc, Throwable failure) {
        Status status = statusOf(failure);
        if (status.getCode() == Status.Code.INTERNAL || status.getCode() == Status.Code.UNKNOWN) {
            LOG.log(Level.WARNING, rpc + " failed", failure);
        }
        return status.asRuntimeException();
    }

    static Status statusOf(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        if (failure instanceof StatusRuntimeException grpc) {
            return grpc.getStatus();
        }
        if (failure instanceof CriException cri) {
            return Status.fromCode(cri.code()).withDescription(message);
        }
        if (failure instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(message);
        }
        if (failure instanceof RegistryException registry) {
            return registryStatus(registry).withDescription(message);
        }
        if (failure instanceof ContentMismatchException) {
            return Status.DATA_LOSS.withDescription(message);
        }
        if (failure instanceof UnsafeLayerException) {
            return Status.FAILED_PRECONDITION.withDescription("image refused: " + message);
        }
        if (failure instanceof InterruptedException) {
            return Status.CANCELLED.withDescription(message);
        }
        if (failure instanceof IOException) {
            return Status.INTERNAL.withDescription(message);
        }
        return Status.INTERNAL.withDescription(failure.getClass().getSimpleName() + ": " + message);
    }

    private static Status registryStatus(RegistryException failure) {
        return switch (failure.kind()) {
            case NOT_FOUND -> Status.NOT_FOUND;
            case UNAUTHORIZED -> Status.UNAUTHENTICATED;
            case DENIED -> Status.PERMISSION_DENIED;
            case UNREACHABLE -> Status.UNAVAILABLE;
            case DIGEST_MISMATCH -> Status.DATA_LOSS;
            case TOO_LARGE, UNSUPPORTED, PROTOCOL -> Status.FAILED_PRECONDITION;
        };
    }
}
