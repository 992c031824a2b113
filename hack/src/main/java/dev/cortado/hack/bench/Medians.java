package dev.cortado.hack.bench;

import java.util.List;

/** The median the benchmarks report: robust to one slow outlier run. */
public final class Medians {
    private Medians() {
    }

    /** The middle value, or the mean of the two middle values of an even-sized list. */
    public static double of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("the median of no values is undefined");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
