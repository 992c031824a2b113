package dev.cortado.hack.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MediansTest {
    @Test
    void middleOfOddAndMeanOfEven() {
        assertEquals(2.0, Medians.of(List.of(3.0, 1.0, 2.0)));
        assertEquals(2.5, Medians.of(List.of(4.0, 1.0, 3.0, 2.0)));
        assertEquals(7.0, Medians.of(List.of(7.0)));
        assertThrows(IllegalArgumentException.class, () -> Medians.of(List.of()));
    }
}
