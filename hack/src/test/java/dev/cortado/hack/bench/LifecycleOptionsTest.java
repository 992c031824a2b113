package dev.cortado.hack.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LifecycleOptionsTest {
    @Test
    void parsesEveryFlag() {
        LifecycleOptions options = LifecycleOptions.parse(List.of("--endpoint", "unix:///run/x.sock",
                "--image", "h:1/bench/busybox:v1", "--pods", "20", "--parallel", "4", "--label", "containerd",
                "--pid", "42", "--run", "3", "--prepull", "h:1/bench/pause:v1", "--prepull", "h:1/other:v1",
                "--log-dir", "/var/tmp/logs", "--cgroup-parent", "/bench-1", "--runtime-handler", "runc",
                "--stop-timeout", "2", "--overhead-exe", "conmon", "--settle-ms", "0", "--timeout", "30",
                "--ready-timeout", "9", "--pod-network", "--warmup", "5"));
        assertEquals(new LifecycleOptions("unix:///run/x.sock", "h:1/bench/busybox:v1", 20, 4, "containerd", 42, 3,
                List.of("h:1/bench/pause:v1", "h:1/other:v1"), Path.of("/var/tmp/logs"), "/bench-1", "runc", 2,
                Set.of("conmon"), 0, 30, 9, true, 5), options);
    }

    @Test
    void defaults() {
        LifecycleOptions options = LifecycleOptions.parse(List.of("--endpoint", "/run/x.sock", "--image", "h:1/r:t",
                "--pods", "1"));
        assertEquals(1, options.parallel());
        assertEquals(0, options.warmup());
        assertNull(options.label());
        assertEquals(-1, options.pid());
        assertEquals(List.of(), options.prepull());
        assertNull(options.logDir());
        assertEquals("", options.cgroupParent());
        assertEquals("", options.runtimeHandler());
        assertEquals(0, options.stopTimeout());
        assertEquals(1000, options.settleMillis());
        assertEquals(120, options.timeoutSeconds());
        assertEquals(false, options.podNetwork());
        assertEquals(60, options.readySeconds());
    }

    @Test
    void refusesBadInput() {
        assertMessage("--pods is required", List.of("--endpoint", "/run/x.sock", "--image", "h:1/r"));
        assertMessage("required", List.of("--pods", "2", "--endpoint", "/run/x.sock"));
        assertMessage("unknown flag \"--runs\"", List.of("--runs", "3"));
        assertMessage("unexpected argument \"extra\"", List.of("extra"));
        assertMessage("needs a value", List.of("--pods"));
        assertMessage("positive whole number, not \"0\"", List.of("--endpoint", "/x", "--image", "h:1/r", "--pods", "0"));
        assertMessage("at least 0, not \"-1\"", List.of("--endpoint", "/x", "--image", "h:1/r", "--pods", "1",
                "--stop-timeout", "-1"));
        assertMessage("absolute cgroup path", List.of("--endpoint", "/x", "--image", "h:1/r", "--pods", "1",
                "--cgroup-parent", "bench"));
        assertMessage("not a unix socket", List.of("--endpoint", "tcp://h:1", "--image", "h:1/r", "--pods", "1"));
    }

    private static void assertMessage(String expected, List<String> args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LifecycleOptions.parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
