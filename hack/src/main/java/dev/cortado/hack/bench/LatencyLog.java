package dev.cortado.hack.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Latencies per lifecycle step, recorded by the pod threads of one benchmark run. */
final class LatencyLog {
    private final Map<LifecycleStep, List<Double>> millis = new EnumMap<>(LifecycleStep.class);

    synchronized void record(LifecycleStep step, long nanos) {
        millis.computeIfAbsent(step, k -> new ArrayList<>()).add(nanos / 1e6);
    }

    /** The samples of one step in milliseconds, in no particular order; empty if none. */
    synchronized List<Double> millis(LifecycleStep step) {
        return Collections.unmodifiableList(new ArrayList<>(millis.getOrDefault(step, List.of())));
    }
}
