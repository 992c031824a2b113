package dev.cortado.image.registry;

import java.io.IOException;

/** Wording of low-level failures for messages and logs. */
final class Failures {

    private Failures() {
    }

    /**
     * "ConnectException: Connection refused": the JDK's messages alone are often empty or vague
     * ("null", "closed"), and the exception's kind is what tells a person where to look.
     */
    static String describe(IOException e) {
        String message = e.getMessage();
        String kind = e.getClass().getSimpleName();
        return message == null || message.isBlank() ? kind : kind + ": " + message;
    }
}
