package dev.cortado.hack.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The processes a runtime keeps for its containers besides the containers' own: containerd's
 * shims and pause processes, cortado's shims. Found from the process tree, so that it works for
 * any runtime without knowing its program names:
 *
 * <ol>
 *   <li>A container's own process is the one whose environment holds {@code CORTADO_BENCH_POD=<uid>}
 *       (the benchmark sets it in ContainerConfig.envs); it and its descendants are the container.</li>
 *   <li>The host's processes are pid 1, the daemon and its ancestors, and the benchmark and its
 *       ancestors. From each container process, walk up through its parents until the next one is
 *       a host process: the last process passed is that pod's root (a shim, wherever the runtime
 *       reparented it; none when the container is a direct child of the daemon).</li>
 *   <li>The overhead is every process in the pod roots' subtrees that is not a container
 *       process or under one, plus, optionally, processes started since the baseline whose
 *       executable has one of the extra names given (for runtimes that keep a pod's processes
 *       in separate trees).</li>
 *   <li>Processes started since the baseline that fit none of these (nor are kernel threads or
 *       the benchmark's own) are reported as unattributed, so that a miss shows.</li>
 * </ol>
 */
final class ContainerOverhead {
    /** The environment variable naming a benchmark container's pod uid. */
    static final String POD_ENV = "CORTADO_BENCH_POD";
    private static final long KTHREADD = 2;

    /**
     * What was found.
     *
     * @param containerProcesses the containers' own processes (and their descendants)
     * @param podsWithoutProcess pod uids for which no process carried the marker
     * @param overhead           the overhead processes
     * @param overheadNames      executable name → count, over the overhead
     * @param memory             summed over the overhead
     * @param unattributedNames  executable name → count, over processes new since the baseline
     *                           that are neither container nor overhead
     */
    record Report(Set<Long> containerProcesses, List<String> podsWithoutProcess, Set<Long> overhead,
                  Map<String, Integer> overheadNames, MemoryUsage memory, Map<String, Integer> unattributedNames) {
    }

    private ContainerOverhead() {
    }

    /**
     * @param now        the table read while all containers run
     * @param baseline   the pids that existed before the first pod was created
     * @param podUids    the uids of the pods that should be running
     * @param daemonPid  the runtime daemon, or -1 when unknown
     * @param selfPid    the benchmark's own pid
     * @param extraNames executable names always counted as overhead when new since the baseline
     */
    static Report measure(ProcessTable now, Set<Long> baseline, Set<String> podUids, long daemonPid, long selfPid,
                          Set<String> extraNames) {
        Set<Long> markers = new TreeSet<>();
        Set<String> found = new HashSet<>();
        now.environmentValues(POD_ENV).forEach((pid, uid) -> {
            if (podUids.contains(uid)) {
                markers.add(pid);
                found.add(uid);
            }
        });
        Set<Long> containers = new TreeSet<>();
        markers.forEach(pid -> containers.addAll(now.subtree(pid)));

        Set<Long> host = new HashSet<>(now.lineage(1));
        host.add(1L);
        host.addAll(now.lineage(selfPid));
        if (daemonPid > 0) {
            host.addAll(now.lineage(daemonPid));
        }
        Set<Long> own = now.subtree(selfPid);

        Set<Long> overhead = new TreeSet<>();
        for (long marker : markers) {
            long root = podRoot(now, marker, host);
            if (root > 0) {
                overhead.addAll(now.subtree(root));
            }
        }
        for (long pid : now.pids()) {
            if (!baseline.contains(pid) && extraNames.contains(now.get(pid).name())) {
                overhead.add(pid);
            }
        }
        overhead.removeAll(containers);
        overhead.removeAll(host);

        Set<Long> kernel = now.subtree(KTHREADD);
        Map<String, Integer> unattributed = new TreeMap<>();
        for (long pid : now.pids()) {
            if (!baseline.contains(pid) && !overhead.contains(pid) && !containers.contains(pid)
                    && !own.contains(pid) && !host.contains(pid) && !kernel.contains(pid)) {
                unattributed.merge(now.get(pid).name(), 1, Integer::sum);
            }
        }
        List<String> missing = new ArrayList<>(new TreeSet<>(podUids));
        missing.removeAll(found);
        return new Report(containers, missing, overhead, names(now, overhead), MemoryUsage.sum(overhead), unattributed);
    }

    /** The topmost non-host ancestor of a container process, or 0 when its parent is a host process. */
    private static long podRoot(ProcessTable now, long marker, Set<Long> host) {
        long root = 0;
        List<Long> lineage = now.lineage(marker);
        if (lineage.size() < 2) {
            return 0;
        }
        for (long ancestor : lineage.subList(1, lineage.size())) {
            if (host.contains(ancestor)) {
                break;
            }
            root = ancestor;
        }
        return root;
    }

    private static Map<String, Integer> names(ProcessTable table, Set<Long> pids) {
        Map<String, Integer> names = new TreeMap<>();
        for (long pid : pids) {
            names.merge(table.get(pid).name(), 1, Integer::sum);
        }
        return names;
    }
}
