package dev.cortado.runtime.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class CpuRatesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aRateNeedsTwoReadings() {
        CpuRates rates = new CpuRates(10, SECOND);
        assertNull(rates.rate("c", 10 * SECOND, 0));
        assertEquals(500_000_000L, rates.rate("c", 12 * SECOND, SECOND), "1 s of CPU in 2 s is half a core");
        assertEquals(2_000_000_000L, rates.rate("c", 13 * SECOND, 3 * SECOND), "two cores busy");
    }

    @Test
    void quickReadingsKeepTheOlderBaseline() {
        CpuRates rates = new CpuRates(10, SECOND);
        rates.rate("c", 0, 0);
        assertEquals(1_000_000_000L, rates.rate("c", SECOND / 10, SECOND / 10));
        // the first reading is still the baseline: 0.5 s of CPU over 0.5 s
        assertEquals(1_000_000_000L, rates.rate("c", SECOND / 2, SECOND / 2));
    }

    @Test
    void aCounterGoingBackwardsStartsOver() {
        CpuRates rates = new CpuRates(10, SECOND);
        rates.rate("c", 0, 5 * SECOND);
        assertNull(rates.rate("c", 2 * SECOND, SECOND));
        assertEquals(1_000_000_000L, rates.rate("c", 4 * SECOND, 3 * SECOND));
    }

    @Test
    void forgottenAndOldestReadingsGo() {
        CpuRates rates = new CpuRates(2, SECOND);
        rates.rate("a", 0, 0);
        rates.rate("b", 0, 0);
        rates.rate("c", 0, 0);
        assertEquals(2, rates.size());
        assertNull(rates.rate("a", 2 * SECOND, SECOND), "a was the eldest and was dropped");
        rates.forget("c");
        assertNull(rates.rate("c", 2 * SECOND, SECOND));
    }

    @Test
    void retainKeepsOnlyWhatPasses() {
        CpuRates rates = new CpuRates(10, SECOND);
        rates.rate("pod/a", 0, 0);
        rates.rate("pod/b", 0, 0);
        rates.rate("c", 0, 0);
        rates.retain(key -> !key.equals("pod/b"));
        assertEquals(2, rates.size());
        assertNull(rates.rate("pod/b", 2 * SECOND, SECOND), "b's reading went");
        assertEquals(500_000_000L, rates.rate("pod/a", 2 * SECOND, SECOND));
    }
}
