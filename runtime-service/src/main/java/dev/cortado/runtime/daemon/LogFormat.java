package dev.cortado.runtime.daemon;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/** One line per event: time, level, source, message; a stack trace only at debug level. */
final class LogFormat extends Formatter {

    private final boolean traces;

    LogFormat(boolean traces) {
        this.traces = traces;
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160)
                .append(Instant.ofEpochMilli(record.getMillis()))
                .append(' ').append(levelName(record.getLevel()))
                .append(' ').append(shortName(record.getLoggerName()))
                .append(": ").append(formatMessage(record));
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            line.append(": ").append(thrown);
            if (traces) {
                StringWriter trace = new StringWriter();
                thrown.printStackTrace(new PrintWriter(trace));
                line.append(System.lineSeparator()).append(trace);
            }
        }
        return line.append(System.lineSeparator()).toString();
    }

    private static String levelName(Level level) {
        if (level.intValue() >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (level.intValue() >= Level.WARNING.intValue()) {
            return "WARN ";
        }
        if (level.intValue() >= Level.INFO.intValue()) {
            return "INFO ";
        }
        return "DEBUG";
    }

    private static String shortName(String logger) {
        if (logger == null) {
            return "-";
        }
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
