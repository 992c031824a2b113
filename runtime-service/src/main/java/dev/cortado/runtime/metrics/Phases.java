package dev.cortado.runtime.metrics;

import java.util.ArrayList;
import java.util.List;

/** Milliseconds spent in each named phase of an operation, for a debug line; formatted only when printed. */
public final class Phases {

    private record Phase(String name, long nanos) {
    }

    private final List<Phase> phases = new ArrayList<>();
    private long last = System.nanoTime();

    public void mark(String phase) {
        long now = System.nanoTime();
        phases.add(new Phase(phase, now - last));
        last = now;
    }

    @Override
    public String toString() {
        StringBuilder summary = new StringBuilder();
        for (Phase phase : phases) {
            if (!summary.isEmpty()) {
                summary.append(", ");
            }
            summary.append(phase.name()).append(' ').append(String.format("%.1f", phase.nanos() / 1e6)).append(" ms");
        }
        return summary.toString();
    }
}
