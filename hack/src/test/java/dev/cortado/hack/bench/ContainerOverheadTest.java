package dev.cortado.hack.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real process trees standing in for a runtime's: a "shim" (sh) whose children are a "pause"
 * (sleep) and the marked container process (sleep through env).
 */
class ContainerOverheadTest {
    private final List<Process> started = new ArrayList<>();
    private final List<Long> orphans = new ArrayList<>();

    @AfterEach
    void killEverything() {
        for (Process process : started) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        orphans.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    /** Starts sh running "sleep 300" and the marked "sleep 301"; returns the shim. */
    private Process shim(String uid) throws Exception {
        Process shim = new ProcessBuilder("/bin/sh", "-c", "sleep 300 & /usr/bin/env "
                + ContainerOverhead.POD_ENV + "=" + uid + " sleep 301 & wait").start();
        started.add(shim);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (shim.toHandle().children().count() < 2 || !childrenExeced(shim)) {
            assertTrue(System.nanoTime() < deadline, "the shim's children did not start");
            Thread.sleep(5);
        }
        return shim;
    }

    /** Both children run sleep by now (env has exec'd it), so their environments are final. */
    private static boolean childrenExeced(Process shim) {
        return shim.toHandle().children().allMatch(child -> child.info().command().orElse("").endsWith("sleep"));
    }

    private static long container(Process shim) {
        return shim.toHandle().children().filter(child -> List.of(child.info().arguments().orElse(new String[0]))
                .contains("301")).findFirst().orElseThrow().pid();
    }

    @Test
    void shimsAndTheirOtherChildrenAreOverheadAndContainersAreNot() throws Exception {
        long self = ProcessHandle.current().pid();
        Set<Long> baseline = Set.copyOf(ProcessTable.read().pids());
        Process first = shim("uid-a");
        Process second = shim("uid-b");
        Process unrelated = shim("uid-of-another-run");

        ContainerOverhead.Report report = ContainerOverhead.measure(ProcessTable.read(), baseline,
                Set.of("uid-a", "uid-b", "uid-missing"), self, self, Set.of());

        assertEquals(Set.of(container(first), container(second)), report.containerProcesses());
        Set<Long> expected = new java.util.TreeSet<>();
        for (Process shim : List.of(first, second)) {
            expected.add(shim.pid());
            shim.toHandle().children().filter(c -> c.pid() != container(shim)).forEach(c -> expected.add(c.pid()));
        }
        assertEquals(expected, report.overhead());
        assertEquals(List.of("uid-missing"), report.podsWithoutProcess());
        String shell = Path.of("/bin/sh").toRealPath().getFileName().toString();
        assertEquals(Map.of(shell, 2, "sleep", 2), report.overheadNames());
        assertEquals(4, report.memory().processes());
        assertTrue(report.memory().rssKib() > 0 && report.memory().pssKib() > 0, report.memory().toString());
        assertTrue(report.memory().pssKib() <= report.memory().rssKib(), report.memory().toString());
        assertFalse(report.overhead().contains(unrelated.pid()), "another pod's shim is not this run's overhead");
        assertFalse(report.unattributedNames().containsKey(shell), "the benchmark's own children are never unattributed: "
                + report.unattributedNames());
    }

    @Test
    void newProcessesOutsideTheTreesAreUnattributedUnlessNamed() throws Exception {
        long self = ProcessHandle.current().pid();
        Set<Long> baseline = Set.copyOf(ProcessTable.read().pids());
        shim("uid-a");
        // an orphan: its parent exits at once, so it is re-parented away from this JVM
        Process launcher = new ProcessBuilder("/bin/sh", "-c", "sleep 302 >/dev/null 2>&1 & echo $!").start();
        started.add(launcher);
        long orphan = Long.parseLong(new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip());
        orphans.add(orphan);
        launcher.waitFor(5, TimeUnit.SECONDS);

        ProcessTable table = ProcessTable.read();
        assertTrue(table.contains(orphan));
        ContainerOverhead.Report plain = ContainerOverhead.measure(table, baseline, Set.of("uid-a"), -1, self, Set.of());
        assertFalse(plain.overhead().contains(orphan));
        assertTrue(plain.unattributedNames().getOrDefault("sleep", 0) >= 1, plain.unattributedNames().toString());

        ContainerOverhead.Report named = ContainerOverhead.measure(table, baseline, Set.of("uid-a"), -1, self,
                Set.of("sleep"));
        assertTrue(named.overhead().contains(orphan), "new processes running a named executable count");
        // every new sleep counts once named, also one another program on the host started meanwhile
        assertEquals(0, named.unattributedNames().getOrDefault("sleep", 0), named.unattributedNames().toString());
    }

    @Test
    void processTableKnowsParentsNamesAndEnvironments() throws IOException, Exception {
        Process shim = shim("uid-env");
        ProcessTable table = ProcessTable.read();
        long container = container(shim);
        assertEquals(shim.pid(), table.parent(container));
        assertEquals("sleep", table.get(container).name());
        assertEquals(List.of(container, shim.pid(), ProcessHandle.current().pid()), table.lineage(container).subList(0, 3));
        assertEquals("uid-env", table.environmentValues(ContainerOverhead.POD_ENV).get(container));
        assertTrue(table.subtree(shim.pid()).contains(container));
    }
}
