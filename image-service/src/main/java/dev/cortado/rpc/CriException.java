package dev.cortado.rpc;

import io.grpc.Status;

/** A failure that already knows which gRPC status the kubelet should see. */
public class CriException extends RuntimeException {

    private final Status.Code code;

    public CriException(Status.Code code, String message) {
        super(message);
        this.code = code;
    }

    public CriException(Status.Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Status.Code code() {
        return code;
    }

    public static CriException notFound(String message) {
        return new CriException(Status.Code.NOT_FOUND, message);
    }

    public static CriException invalid(String message) {
        return new CriException(Status.Code.INVALID_ARGUMENT, message);
    }
}
