package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.cri.v1.Signal;
import org.junit.jupiter.api.Test;

class StopSignalsTest {

    @Test
    void signalNumbersGetTheirCriNames() {
        assertEquals(Signal.SIGTERM, StopSignals.toCri(15));
        assertEquals(Signal.SIGUSR1, StopSignals.toCri(10));
        assertEquals(Signal.SIGQUIT, StopSignals.toCri(3));
        assertEquals(Signal.SIGABRT, StopSignals.toCri(6), "the first of two names");
        assertEquals(Signal.SIGRTMIN, StopSignals.toCri(34));
        assertEquals(Signal.SIGRTMINPLUS3, StopSignals.toCri(37));
        assertEquals(Signal.SIGRTMAXMINUS1, StopSignals.toCri(63));
        assertEquals(Signal.SIGRTMAX, StopSignals.toCri(64));
        assertEquals(Signal.RUNTIME_DEFAULT, StopSignals.toCri(65));
    }

    @Test
    void everyCriSignalRoundTrips() {
        for (Signal signal : Signal.values()) {
            if (signal == Signal.RUNTIME_DEFAULT || signal == Signal.UNRECOGNIZED) {
                continue;
            }
            int number = StopSignals.fromCri(signal);
            assertEquals(number, StopSignals.fromCri(StopSignals.toCri(number)), signal.name());
        }
    }

    @Test
    void theImagesSignalNamesResolve() {
        assertEquals(10, StopSignals.resolve(Signal.RUNTIME_DEFAULT, "SIGUSR1"));
        assertEquals(3, StopSignals.resolve(Signal.SIGQUIT, "SIGUSR1"), "the kubelet's wins");
        assertEquals(15, StopSignals.resolve(Signal.RUNTIME_DEFAULT, ""));
        assertEquals(37, StopSignals.resolve(Signal.RUNTIME_DEFAULT, "SIGRTMIN+3"));
    }
}
