package dev.cortado.hack.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A benchmark main's command line: {@code --flag value} pairs (a flag may repeat) and bare
 * switches, checked against the flags the main knows.
 */
final class Flags {
    private final Map<String, List<String>> values;

    private Flags(Map<String, List<String>> values) {
        this.values = values;
    }

    /** Parses {@code args}; {@code valued} flags take a value, {@code switches} take none. */
    static Flags parse(List<String> args, Set<String> valued, Set<String> switches) {
        Map<String, List<String>> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (switches.contains(flag)) {
                values.computeIfAbsent(flag, k -> new ArrayList<>()).add("");
                continue;
            }
            if (!valued.contains(flag)) {
                throw new IllegalArgumentException(flag.startsWith("--")
                        ? "unknown flag \"" + flag + "\" (run without arguments for help)"
                        : "unexpected argument \"" + flag + "\"");
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("flag " + flag + " needs a value");
            }
            values.computeIfAbsent(flag, k -> new ArrayList<>()).add(args.get(++i));
        }
        return new Flags(values);
    }

    boolean has(String flag) {
        return values.containsKey(flag);
    }

    /** The last value given, or {@code fallback}. */
    String string(String flag, String fallback) {
        List<String> given = values.get(flag);
        return given == null ? fallback : given.get(given.size() - 1);
    }

    /** Every value of a repeatable flag, in order. */
    List<String> all(String flag) {
        return List.copyOf(values.getOrDefault(flag, List.of()));
    }

    /** A whole number from {@code min} up to Integer.MAX_VALUE, or {@code fallback}. */
    long number(String flag, long fallback, long min) {
        String value = string(flag, null);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed < min || parsed > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs a " + (min == 1 ? "positive whole number"
                    : "whole number of at least " + min) + ", not \"" + value + "\"");
        }
    }
}
