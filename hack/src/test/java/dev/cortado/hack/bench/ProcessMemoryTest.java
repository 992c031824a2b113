package dev.cortado.hack.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
    @Test
    void countsThisJvm() {
        ProcessMemory memory = ProcessMemory.of(ProcessHandle.current().pid());
        // a running JVM is resident for at least a few MiB, and never beyond its own peak
        assertTrue(memory.rssKib() > 4096, memory.toString());
        assertTrue(memory.peakRssKib() >= memory.rssKib(), memory.toString());
    }

    @Test
    void addsDescendants() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            ProcessMemory self = ProcessMemory.of(ProcessHandle.current().pid());
            ProcessMemory alone = ProcessMemory.of(child.pid());
            assertEquals(1, alone.processes());
            assertTrue(alone.rssKib() > 0, alone.toString());
            assertTrue(self.processes() >= 2, self.toString());
        } finally {
            child.destroyForcibly();
            child.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void goneDaemonIsAnError() throws Exception {
        Process child = new ProcessBuilder("true").start();
        child.waitFor(5, TimeUnit.SECONDS);
        long pid = child.pid();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ProcessMemory.of(pid));
        assertTrue(e.getMessage().contains(Long.toString(pid)), e.getMessage());
    }
}
