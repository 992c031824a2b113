package dev.cortado.runtime.stats;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns cumulative CPU time into a rate (nanocores: 10^9 is one core busy) by remembering the
 * previous reading of each container or pod. The map is bounded so that readings of things that
 * vanished without being forgotten cannot pile up.
 */
final class CpuRates {

    private record Reading(long timestamp, long cpuNanos) {
    }

    private final int capacity;
    private final long minWindowNanos;
    private final Map<String, Reading> last;

    /**
     * @param minWindowNanos a reading replaces the remembered one only when at least this much
     *                       later, so that callers asking in quick succession (pod stats, then
     *                       container stats, then metrics) still get a rate over a useful window
     */
    CpuRates(int capacity, long minWindowNanos) {
        this.capacity = capacity;
        this.minWindowNanos = minWindowNanos;
        this.last = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Reading> eldest) {
                return size() > CpuRates.this.capacity;
            }
        };
    }

    /**
     * Returns the rate since the remembered reading, or null for a first reading (or when the
     * counter went backwards: a new cgroup under the same key), and remembers this one.
     */
    synchronized Long rate(String key, long timestamp, long cpuNanos) {
        Reading previous = last.get(key);
        if (previous == null || cpuNanos < previous.cpuNanos()) {
            last.put(key, new Reading(timestamp, cpuNanos));
            return null;
        }
        if (timestamp <= previous.timestamp()) {
            return null;
        }
        if (timestamp - previous.timestamp() >= minWindowNanos) {
            last.put(key, new Reading(timestamp, cpuNanos));
        }
        double cores = (double) (cpuNanos - previous.cpuNanos()) / (timestamp - previous.timestamp());
        return Math.round(cores * 1_000_000_000L);
    }

    /** Drops every reading whose key fails the test. */
    synchronized void retain(java.util.function.Predicate<String> keep) {
        last.keySet().removeIf(keep.negate());
    }

    synchronized void forget(String key) {
        last.remove(key);
    }

    synchronized int size() {
        return last.size();
    }
}
