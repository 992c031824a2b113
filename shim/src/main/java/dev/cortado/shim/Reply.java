package dev.cortado.shim;

import java.time.Instant;
import java.util.List;

/**
 * One proto-v1 reply line, parsed strictly: {@code OK} with single-space separated fields, or
 * {@code ERR <message>}. Anything else is a protocol error naming the request and the line.
 */
record Reply(String request, List<String> fields) {

    /** Parses {@code line}; an {@code ERR} reply becomes the shim's own error. */
    static Reply parse(String request, String line) throws ShimException {
        if (line.startsWith("ERR ") && line.length() > 4) {
            throw ShimException.fromShimMessage(line.substring(4));
        }
        if (line.equals("OK")) {
            return new Reply(request, List.of());
        }
        if (!line.startsWith("OK ")) {
            throw malformed(request, line, "it is neither OK nor ERR <message>");
        }
        List<String> fields = List.of(line.substring(3).split(" ", -1));
        for (String field : fields) {
            if (field.isEmpty() || !field.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
                throw malformed(request, line, "fields must be printable and separated by single spaces");
            }
        }
        return new Reply(request, fields);
    }

    /** Insists on exactly {@code count} fields. */
    Reply expect(int count) throws ShimException {
        if (fields.size() != count) {
            throw malformed(request, "OK " + String.join(" ", fields), "expected " + count + " fields, got "
                    + fields.size());
        }
        return this;
    }

    String word(int index) {
        return fields.get(index);
    }

    boolean absent(int index) {
        return fields.get(index).equals("-");
    }

    int intField(int index, String name) throws ShimException {
        try {
            return Integer.parseInt(fields.get(index));
        } catch (NumberFormatException e) {
            throw malformed(request, joined(), name + " \"" + fields.get(index) + "\" is not an integer");
        }
    }

    long longField(int index, String name) throws ShimException {
        try {
            return Long.parseLong(fields.get(index));
        } catch (NumberFormatException e) {
            throw malformed(request, joined(), name + " \"" + fields.get(index) + "\" is not an integer");
        }
    }

    /** A non-negative count (pids, byte counts). */
    long count(int index, String name) throws ShimException {
        long value = longField(index, name);
        if (value < 0) {
            throw malformed(request, joined(), name + " " + value + " is negative");
        }
        return value;
    }

    /** A 0/1 flag. */
    boolean flag(int index, String name) throws ShimException {
        return switch (fields.get(index)) {
            case "0" -> false;
            case "1" -> true;
            default -> throw malformed(request, joined(), name + " \"" + fields.get(index) + "\" is not 0 or 1");
        };
    }

    /** Nanoseconds since the Unix epoch. */
    Instant instant(int index, String name) throws ShimException {
        return nanosToInstant(count(index, name));
    }

    static Instant nanosToInstant(long nanos) {
        return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }

    private String joined() {
        return "OK " + String.join(" ", fields);
    }

    static ShimException malformed(String request, String line, String why) {
        return new ShimException("protocol", "unexpected reply \"" + line + "\" to \"" + request + "\": " + why);
    }
}
