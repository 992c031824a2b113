package dev.cortado.hack.bench;

import java.util.List;

/**
 * Percentiles by the nearest-rank method: the p-th percentile of n sorted values is the value at
 * rank ceil(p/100 * n). Always one of the measured values; with few samples, p95 is the maximum
 * (up to 20 values), which is what a tail should show rather than an interpolation.
 */
public final class Percentiles {
    private Percentiles() {
    }

    public static double of(List<Double> values, double percent) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("the percentile of no values is undefined");
        }
        if (!(percent > 0 && percent <= 100)) {
            throw new IllegalArgumentException("a percentile lies in (0, 100], not " + percent);
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }
}
