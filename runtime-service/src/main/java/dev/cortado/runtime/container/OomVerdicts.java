package dev.cortado.runtime.container;

import dev.cortado.image.metadata.AtomicFiles;
import dev.cortado.runtime.cgroup.Cgroup;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.resources.OomCounter;
import dev.cortado.shim.ExitStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Whether a container's exit was the memory limit's doing (reason OOMKilled): its init died of
 * SIGKILL, the daemon did not send that SIGKILL, and the OOM killer killed in the container's
 * cgroup since it started. An earlier OOM kill of a child followed by an exit on SIGTERM, or by
 * StopContainer's SIGKILL, is an ordinary Error.
 *
 * <p>The count at start is kept in the bundle, so that a daemon restarted meanwhile decides the
 * same way.
 */
final class OomVerdicts {

    static final String OOM_KILLED = "OOMKilled";
    private static final Logger LOG = Logger.getLogger(OomVerdicts.class.getName());
    private static final String BASELINE_FILE = "oom-kills-at-start";

    private final OomCounter counter;
    private final CgroupLayout cgroups;
    private final Set<String> killedByDaemon = ConcurrentHashMap.newKeySet();

    OomVerdicts(OomCounter counter, CgroupLayout cgroups) {
        this.counter = counter;
        this.cgroups = cgroups;
    }

    /** Remembers the cgroup's OOM kills before the container's process is released. */
    void baseline(Container container) {
        try {
            Optional<Long> kills = counter.kills(cgroup(container));
            if (kills.isPresent()) {
                AtomicFiles.writeVolatile(baselineFile(container),
                        Long.toString(kills.get()).getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            LOG.warning("container " + container.describe() + ": cannot read its OOM kill count; an OOM kill"
                    + " will be reported as Error: " + e.getMessage());
        }
    }

    void killedByDaemon(Container container) {
        killedByDaemon.add(container.id());
    }

    boolean killedByLimit(Container container, ExitStatus status) {
        boolean byDaemon = killedByDaemon.remove(container.id());
        try {
            if (status.exitSignal() != ContainerLifecycle.SIGKILL || byDaemon) {
                return false;
            }
            Optional<Long> now = counter.kills(cgroup(container));
            Optional<Long> before = readBaseline(container);
            return now.isPresent() && before.isPresent() && now.get() > before.get();
        } catch (IOException | NumberFormatException e) {
            LOG.warning("container " + container.describe() + ": cannot tell whether the OOM killer ended it: "
                    + e.getMessage());
            return false;
        }
    }

    private Optional<Long> readBaseline(Container container) throws IOException {
        try {
            return Optional.of(Long.parseLong(Files.readString(baselineFile(container)).trim()));
        } catch (NoSuchFileException never) {
            return Optional.empty();
        }
    }

    private Cgroup cgroup(Container container) {
        return new Cgroup(cgroups, container.record().cgroup());
    }

    private static Path baselineFile(Container container) {
        return container.paths().bundle().resolve(BASELINE_FILE);
    }
}
