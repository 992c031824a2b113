package dev.cortado.hack.bench;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** CRI call failures in one line for people: grpc's Status.toString() carries a stack trace. */
final class CriErrors {
    private CriErrors() {
    }

    /** {@code CODE: description (Cause: message)}, each part only when present. */
    static String describe(StatusRuntimeException e) {
        Status status = e.getStatus();
        StringBuilder text = new StringBuilder(status.getCode().name());
        if (status.getDescription() != null) {
            text.append(": ").append(status.getDescription());
        }
        Throwable cause = status.getCause();
        if (cause != null) {
            text.append(" (").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                text.append(": ").append(cause.getMessage());
            }
            text.append(')');
        }
        return text.toString();
    }
}
