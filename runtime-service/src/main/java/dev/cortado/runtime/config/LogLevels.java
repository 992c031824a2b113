package dev.cortado.runtime.config;

import java.util.Locale;
import java.util.logging.Level;

/** The log levels an operator may choose, mapped to java.util.logging. */
public final class LogLevels {

    private LogLevels() {
    }

    public static String check(String name) {
        toLevel(name);
        return name.toLowerCase(Locale.ROOT);
    }

    public static Level toLevel(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "error" -> Level.SEVERE;
            case "warn", "warning" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "debug" -> Level.FINE;
            default -> throw new IllegalArgumentException("log level must be error, warn, info or debug, not \""
                    + name + "\"");
        };
    }
}
