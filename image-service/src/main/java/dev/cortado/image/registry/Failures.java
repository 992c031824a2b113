package dev.cortado.image.registry;

import java.io.IOException;
import java.nio.channels.UnresolvedAddressException;

/** Wording of low-level failures for messages and logs. */
final class Failures {

    private Failures() {
    }

    /**
     * "ConnectException: Connection refused". The JDK client's exceptions often carry no message
     * of their own (the reason sits in a cause), and the exception's kind tells a person where to
     * look, so both are given.
     */
    static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) {
                return kind + ": cannot resolve the host name";
            }
            String message = t.getMessage();
            if (message != null && !message.isBlank()) {
                return kind + ": " + message;
            }
        }
        if (e instanceof java.net.ConnectException) {
            // The JDK client reports a refused connection as message-less ConnectExceptions.
            return kind + ": could not connect (connection refused or host unreachable)";
        }
        return kind;
    }
}
