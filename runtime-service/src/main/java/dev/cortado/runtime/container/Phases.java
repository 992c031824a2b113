package dev.cortado.runtime.container;

/** Milliseconds spent in each named phase of an operation, for a debug line. */
final class Phases {

    private final StringBuilder summary = new StringBuilder();
    private long last = System.nanoTime();

    void mark(String phase) {
        long now = System.nanoTime();
        if (summary.length() > 0) {
            summary.append(", ");
        }
        summary.append(phase).append(' ').append(String.format("%.1f", (now - last) / 1e6)).append(" ms");
        last = now;
    }

    @Override
    public String toString() {
        return summary.toString();
    }
}
