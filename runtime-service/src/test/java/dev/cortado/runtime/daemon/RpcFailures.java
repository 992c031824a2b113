package dev.cortado.runtime.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.function.Executable;

/** Assertions on the gRPC status a failed call ends with. */
public final class RpcFailures {

    private RpcFailures() {
    }

    /**
     * Runs the call, expects it to fail with {@code code}, and checks that the status message
     * contains each of {@code mentions}; returns the message.
     */
    public static String assertFails(Status.Code code, Executable call, String... mentions) {
        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, call);
        String message = failure.getStatus().getDescription();
        System.out.println("expected failure: " + failure.getStatus().getCode() + ": " + message);
        assertEquals(code, failure.getStatus().getCode(), "status code; message: " + message);
        assertTrue(message != null && !message.isBlank(), "the status carries no message");
        for (String mention : mentions) {
            assertTrue(message.contains(mention), "message should mention \"" + mention + "\": " + message);
        }
        assertTrue(!message.contains("\tat ") && !message.contains("Exception:\n"),
                "the message must not be a stack trace: " + message);
        return message;
    }

    /** The status code a call fails with; fails the test when it succeeds. */
    public static Status.Code code(Executable call) {
        return assertThrows(StatusRuntimeException.class, call, "the call should have failed").getStatus().getCode();
    }
}
