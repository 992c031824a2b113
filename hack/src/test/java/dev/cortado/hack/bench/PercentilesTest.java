package dev.cortado.hack.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {
    private static List<Double> oneTo(int n) {
        List<Double> values = new ArrayList<>();
        IntStream.rangeClosed(1, n).forEach(i -> values.add((double) i));
        // out of order on purpose: the method sorts
        java.util.Collections.reverse(values);
        return values;
    }

    @Test
    void nearestRank() {
        assertEquals(5, Percentiles.of(oneTo(10), 50));
        assertEquals(10, Percentiles.of(oneTo(10), 95), "up to 20 samples, p95 is the maximum");
        assertEquals(19, Percentiles.of(oneTo(20), 95));
        assertEquals(95, Percentiles.of(oneTo(100), 95));
        assertEquals(1, Percentiles.of(oneTo(100), 1));
        assertEquals(7, Percentiles.of(List.of(7.0), 50));
        assertEquals(7, Percentiles.of(List.of(7.0), 95));
    }

    @Test
    void refusesNoValuesAndBadPercents() {
        assertThrows(IllegalArgumentException.class, () -> Percentiles.of(List.of(), 50));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.of(oneTo(3), 0));
        assertThrows(IllegalArgumentException.class, () -> Percentiles.of(oneTo(3), 101));
    }
}
