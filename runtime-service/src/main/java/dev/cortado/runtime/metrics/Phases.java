package dev.cortado.runtime.metrics;

import java.util.ArrayList;
import java.util.List;

/** Milliseconds spent in each named phase of an operation, for a debug line; formatted only when printed. */
public final class Phases {

    private final List<String> names = new ArrayList<>();
    private final List<Long> nanos = new ArrayList<>();
    private long last = System.nanoTime();

    public void mark(String phase) {
        long now = System.nanoTime();
        names.add(phase);
        nanos.add(now - last);
        last = now;
    }

    @Override
    public String toString() {
        StringBuilder summary = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                summary.append(", ");
            }
            summary.append(names.get(i)).append(' ').append(String.format("%.1f", nanos.get(i) / 1e6)).append(" ms");
        }
        return summary.toString();
    }
}
