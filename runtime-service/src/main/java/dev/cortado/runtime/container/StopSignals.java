package dev.cortado.runtime.container;

import dev.cortado.cri.v1.Signal;
import java.util.Locale;
import java.util.Map;

/**
 * The signal that asks a container to stop: the kubelet's (CRI stop_signal), else the image's
 * StopSignal ("SIGQUIT", "QUIT", "3", "SIGRTMIN+3"), else SIGTERM.
 */
final class StopSignals {

    static final int SIGTERM = 15;
    private static final int SIGRTMIN = 34;
    private static final int SIGRTMAX = 64;
    private static final Map<String, Integer> NAMED = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5),
            Map.entry("ABRT", 6), Map.entry("IOT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9),
            Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13),
            Map.entry("ALRM", 14), Map.entry("TERM", 15), Map.entry("STKFLT", 16), Map.entry("CHLD", 17),
            Map.entry("CLD", 17), Map.entry("CONT", 18), Map.entry("STOP", 19), Map.entry("TSTP", 20),
            Map.entry("TTIN", 21), Map.entry("TTOU", 22), Map.entry("URG", 23), Map.entry("XCPU", 24),
            Map.entry("XFSZ", 25), Map.entry("VTALRM", 26), Map.entry("PROF", 27), Map.entry("WINCH", 28),
            Map.entry("IO", 29), Map.entry("POLL", 29), Map.entry("PWR", 30), Map.entry("SYS", 31));

    private StopSignals() {
    }

    static int resolve(Signal requested, String imageStopSignal) {
        if (requested != Signal.RUNTIME_DEFAULT && requested != Signal.UNRECOGNIZED) {
            return fromCri(requested);
        }
        if (imageStopSignal != null && !imageStopSignal.isBlank()) {
            Integer parsed = parse(imageStopSignal);
            if (parsed != null) {
                return parsed;
            }
        }
        return SIGTERM;
    }

    /** The CRI enum names the signals (SIGRTMINPLUS3, SIGRTMAXMINUS2): their Linux numbers. */
    static int fromCri(Signal signal) {
        String name = signal.name();
        if (name.startsWith("SIGRTMINPLUS")) {
            return SIGRTMIN + Integer.parseInt(name.substring("SIGRTMINPLUS".length()));
        }
        if (name.startsWith("SIGRTMAXMINUS")) {
            return SIGRTMAX - Integer.parseInt(name.substring("SIGRTMAXMINUS".length()));
        }
        Integer parsed = parse(name);
        return parsed == null ? SIGTERM : parsed;
    }

    /** The CRI's name for a signal number: the first enum value naming it (SIGABRT, not SIGIOT). */
    static Signal toCri(int number) {
        for (Signal signal : Signal.values()) {
            if (signal != Signal.RUNTIME_DEFAULT && signal != Signal.UNRECOGNIZED && fromCri(signal) == number) {
                return signal;
            }
        }
        return Signal.RUNTIME_DEFAULT;
    }

    /** "SIGTERM", "TERM", "15", "SIGRTMIN+2", "RTMAX-1"; null when it is none of those. */
    static Integer parse(String text) {
        String name = text.trim().toUpperCase(Locale.ROOT);
        if (name.chars().allMatch(Character::isDigit)) {
            int number = Integer.parseInt(name);
            return number >= 1 && number <= SIGRTMAX ? number : null;
        }
        if (name.startsWith("SIG")) {
            name = name.substring(3);
        }
        try {
            if (name.startsWith("RTMIN")) {
                return SIGRTMIN + (name.length() == 5 ? 0 : Integer.parseInt(name.substring(5)));
            }
            if (name.startsWith("RTMAX")) {
                return SIGRTMAX + (name.length() == 5 ? 0 : Integer.parseInt(name.substring(5)));
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return NAMED.get(name);
    }
}
