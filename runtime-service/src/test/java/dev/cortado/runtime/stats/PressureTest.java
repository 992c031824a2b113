package dev.cortado.runtime.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.PsiStats;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PressureTest {

    @Test
    void parsesSomeAndFullWithTotalsInNanoseconds() {
        Optional<PsiStats> psi = Pressure.parse("some avg10=1.50 avg60=0.25 avg300=0.01 total=50180\n"
                + "full avg10=0.00 avg60=0.00 avg300=0.00 total=48718\n");
        assertTrue(psi.isPresent());
        assertEquals(1.5, psi.get().getSome().getAvg10());
        assertEquals(0.25, psi.get().getSome().getAvg60());
        assertEquals(0.01, psi.get().getSome().getAvg300());
        assertEquals(50_180_000L, psi.get().getSome().getTotal());
        assertEquals(48_718_000L, psi.get().getFull().getTotal());
    }

    @Test
    void aSomeOnlyFileAndGarbage() {
        Optional<PsiStats> psi = Pressure.parse("some avg10=0.00 avg60=0.00 avg300=0.00 total=7\n");
        assertTrue(psi.get().hasSome());
        assertFalse(psi.get().hasFull());
        assertTrue(Pressure.parse("").isEmpty());
        assertTrue(Pressure.parse(null).isEmpty());
        assertTrue(Pressure.parse("some avg10=x avg60=0 avg300=0 total=1").isEmpty());
    }
}
