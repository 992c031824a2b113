package dev.cortado.hack.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PullOptionsTest {
    @Test
    void parsesEveryFlag() {
        PullOptions options = PullOptions.parse(List.of("--endpoint", "unix:///run/x.sock", "--image",
                "127.0.0.1:5000/bench/large:v1", "--label", "cortado", "--pid", "42", "--run", "3",
                "--warm-pulls", "5", "--expect-id", "sha256:ab", "--prime", "127.0.0.1:5000/bench/prime:v1",
                "--timeout", "30", "--ready-timeout", "9"));
        assertEquals(new PullOptions("unix:///run/x.sock", "127.0.0.1:5000/bench/large:v1", "cortado", 42, 3, 5,
                "sha256:ab", "127.0.0.1:5000/bench/prime:v1", 30, 9), options);
    }

    @Test
    void defaults() {
        PullOptions options = PullOptions.parse(List.of("--endpoint", "/run/x.sock", "--image", "h:1/r:t"));
        assertNull(options.label());
        assertEquals(-1, options.pid());
        assertEquals(1, options.run());
        assertEquals(3, options.warmPulls());
        assertEquals(600, options.timeoutSeconds());
        assertEquals(60, options.readySeconds());
    }

    @Test
    void refusesBadInput() {
        assertMessage("required", List.of("--endpoint", "/run/x.sock"));
        assertMessage("unknown flag \"--runs\"", List.of("--runs", "3"));
        assertMessage("needs a value", List.of("--endpoint"));
        assertMessage("positive whole number", List.of("--endpoint", "/x", "--image", "h:1/r", "--pid", "-4"));
        assertMessage("not a unix socket", List.of("--endpoint", "tcp://h:1", "--image", "h:1/r"));
    }

    private static void assertMessage(String expected, List<String> args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PullOptions.parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
