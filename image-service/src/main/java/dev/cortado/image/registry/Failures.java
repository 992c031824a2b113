package dev.cortado.image.registry;

import java.io.IOException;
import java.nio.channels.UnresolvedAddressException;

/** Wording of low-level failures for messages and logs. */
final class Failures {

    private Failures() {
    }

    /**
     * "ConnectException: Connection refused": the exception's kind tells a person where to look
     * and its message (or its cause's) what happened, so both are given.
     */
    static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return kind + ": cannot resolve the host name";
            }
            String message = t.getMessage();
            if (message != null && !message.isBlank()) {
                return kind + ": " + message;
            }
        }
        return kind;
    }
}
