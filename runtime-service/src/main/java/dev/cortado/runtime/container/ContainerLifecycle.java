package dev.cortado.runtime.container;

import dev.cortado.linux.ErrnoException;
import dev.cortado.linux.Namespaces;
import dev.cortado.rpc.CriException;
import dev.cortado.runtime.cgroup.Cgroup;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.resources.OomCounter;
import dev.cortado.runtime.state.Ids;
import dev.cortado.runtime.state.RecordStore;
import dev.cortado.shim.ExitFile;
import dev.cortado.shim.ExitStatus;
import dev.cortado.shim.ShimException;
import dev.cortado.shim.ShimGoneException;
import dev.cortado.shim.ShimState;
import io.grpc.Status;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * A container's life once created: start, stop with escalation, and exits, which every
 * container's shim reports on a WAIT the daemon keeps open; the exit is recorded durably and
 * then acknowledged so the shim can go. A shim that dies takes its container with it: the
 * daemon kills what is left in the container's cgroup and says so in the reason.
 */
public final class ContainerLifecycle {

    private static final Logger LOG = Logger.getLogger(ContainerLifecycle.class.getName());
    public static final int SIGKILL = 9;
    static final int SIGTERM = 15;
    /** How long a SIGKILLed container may take to be reported gone. */
    static final long KILL_WAIT_SECONDS = 10;

    private final RecordStore<ContainerRecord> records;
    private final CgroupLayout cgroups;
    private final Namespaces namespaces;
    static final String START_ERROR = "StartError";
    private final Map<String, CompletableFuture<ExitStatus>> waits = new ConcurrentHashMap<>();
    private final List<ContainerListener> listeners = new CopyOnWriteArrayList<>();
    private final OomVerdicts oom;

    public ContainerLifecycle(RecordStore<ContainerRecord> records, CgroupLayout cgroups, Namespaces namespaces) {
        this.records = records;
        this.cgroups = cgroups;
        this.namespaces = namespaces;
        this.oom = new OomVerdicts(new OomCounter(cgroups), cgroups);
    }

    public void addListener(ContainerListener listener) {
        listeners.add(listener);
    }

    /** Tells every listener; a listener's failure is logged and never undoes the step. */
    void announce(Container container, ContainerListener.Change change) {
        for (ContainerListener listener : listeners) {
            try {
                listener.changed(container, change);
            } catch (RuntimeException e) {
                LOG.warning("container listener failed on " + change + " of " + container.describe() + ": " + e);
            }
        }
    }

    /** Starts listening for the exit of a container whose shim is up. */
    void watch(Container container) {
        CompletableFuture<ExitStatus> wait = container.shim().waitExitAsync();
        waits.put(container.id(), wait);
        wait.whenComplete((status, failure) -> {
            if (wait.isCancelled()) {
                return;
            }
            try {
                if (failure == null) {
                    recordExit(container, status);
                } else {
                    shimLost(container, failure);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warning("recording the exit of container " + container.describe() + ": " + e.getMessage());
            }
        });
    }

    /** Stops listening (the container is being removed). */
    void forget(Container container) {
        CompletableFuture<ExitStatus> wait = waits.remove(container.id());
        if (wait != null) {
            wait.cancel(true);
        }
    }

    /** After a daemon restart: reconnect to a live shim, or settle what happened meanwhile. */
    void reattach(Container container) throws IOException {
        ContainerRecord record = container.record();
        if (record.state().equals(ContainerRecord.EXITED)) {
            container.update(record);
            acknowledgeQuietly(container);
            return;
        }
        try {
            ShimState state = container.shim().state();
            if (state.state() == ShimState.Status.RUNNING && record.state().equals(ContainerRecord.CREATED)) {
                record = record.running(state.startedAt().map(ContainerLifecycle::nanos).orElse(Ids.nowNanos()));
                container.update(record);
                records.save(record.id(), record);
            }
            watch(container);
        } catch (ShimGoneException gone) {
            shimLost(container, gone);
        }
    }

    public void start(Container container) throws IOException {
        synchronized (container) {
            ContainerRecord record = container.record();
            if (!record.state().equals(ContainerRecord.CREATED)) {
                throw new CriException(Status.Code.FAILED_PRECONDITION, "container " + container.describe()
                        + " is " + record.state().toLowerCase() + ", not created: it can be started only once");
            }
            // taken before the init is released, so no log line of the container predates its start
            long started = Ids.nowNanos();
            oom.baseline(container);
            try {
                container.shim().start();
            } catch (ShimGoneException gone) {
                shimLost(container, gone);
                throw new CriException(Status.Code.FAILED_PRECONDITION, "container " + container.describe()
                        + " cannot start: its shim is gone");
            } catch (ShimException failed) {
                ContainerRecord exited = record.exited(Ids.nowNanos(), 128, START_ERROR, failed.getMessage());
                save(container, exited);
                LOG.info("container failed to start: " + container.describe() + ": " + failed.getMessage());
                throw new CriException(Status.Code.FAILED_PRECONDITION, "container " + container.describe()
                        + " failed to start: " + failed.getMessage());
            }
            if (container.record().state().equals(ContainerRecord.CREATED)) {
                save(container, container.record().running(started));
            }
        }
        LOG.info("container started: " + container.describe());
    }

    /**
     * Sends the stop signal, waits up to {@code timeoutSeconds} for the exit, then kills every
     * process of the container. Stopping a container that is not running does nothing.
     */
    public void stop(Container container, int stopSignal, long timeoutSeconds) throws IOException {
        ContainerRecord record = container.record();
        if (record.state().equals(ContainerRecord.EXITED)) {
            return;
        }
        if (record.state().equals(ContainerRecord.CREATED)) {
            killAll(container);
            awaitExit(container, KILL_WAIT_SECONDS);
            return;
        }
        if (timeoutSeconds > 0) {
            signal(container, stopSignal, false);
            if (awaitExit(container, timeoutSeconds)) {
                return;
            }
            LOG.info("container " + container.describe() + " still running " + timeoutSeconds
                    + " s after signal " + stopSignal + "; killing it");
        }
        killAll(container);
        if (!awaitExit(container, KILL_WAIT_SECONDS)) {
            throw new CriException(Status.Code.DEADLINE_EXCEEDED, "container " + container.describe()
                    + " did not exit within " + KILL_WAIT_SECONDS + " s of SIGKILL");
        }
    }

    /** For RemoveContainer: whatever it is doing, it ends now. */
    void killForRemoval(Container container) throws IOException {
        if (!container.record().state().equals(ContainerRecord.EXITED)) {
            killAll(container);
            awaitExit(container, KILL_WAIT_SECONDS);
        }
        killCgroup(container);
        acknowledgeQuietly(container);
    }

    private void signal(Container container, int signal, boolean all) throws IOException {
        try {
            container.shim().kill(signal, all);
        } catch (ShimGoneException gone) {
            shimLost(container, gone);
        }
    }

    private void killAll(Container container) throws IOException {
        oom.killedByDaemon(container);
        signal(container, SIGKILL, true);
        killCgroup(container);
    }

    /** SIGKILL to every process left in the container's cgroup (the shim is not in it). */
    private void killCgroup(Container container) throws IOException {
        Cgroup cgroup = new Cgroup(cgroups, container.record().cgroup());
        for (int pid : cgroup.pids()) {
            try {
                namespaces.kill(pid, SIGKILL);
            } catch (ErrnoException e) {
                LOG.warning("killing pid " + pid + " of container " + container.describe() + ": " + e.getMessage());
            }
        }
    }

    private static boolean awaitExit(Container container, long seconds) throws IOException {
        try {
            container.exited().get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for container " + container.describe(), e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    private void recordExit(Container container, ExitStatus status) throws IOException {
        synchronized (container) {
            ContainerRecord record = container.record();
            if (!record.state().equals(ContainerRecord.EXITED)) {
                save(container, record.exited(nanos(status.finishedAt()), status.exitCode(),
                        exitReason(container, status), ""));
                LOG.info("container exited: " + container.describe() + " code " + status.exitCode());
            }
        }
        acknowledgeQuietly(container);
    }

    /** StartError, Completed, OOMKilled (a SIGKILL by the memory limit, see {@link OomVerdicts}) or Error. */
    private String exitReason(Container container, ExitStatus status) {
        return status.startError().isPresent() ? START_ERROR
                : status.exitCode() == 0 ? "Completed"
                : oom.killedByLimit(container, status) ? OomVerdicts.OOM_KILLED : "Error";
    }

    /** The shim is gone: take the exit from its file if it wrote one, else kill what is left. */
    private void shimLost(Container container, Throwable why) throws IOException {
        synchronized (container) {
            ContainerRecord record = container.record();
            if (record.state().equals(ContainerRecord.EXITED)) {
                return;
            }
            Optional<ExitStatus> written = ExitFile.read(container.paths().exitFile());
            if (written.isPresent()) {
                ExitStatus status = written.get();
                save(container, record.exited(nanos(status.finishedAt()), status.exitCode(),
                        exitReason(container, status), status.startError().orElse("")));
                return;
            }
            killCgroup(container);
            String detail = "the container's shim (pid " + record.shimPid() + ") is gone ("
                    + why.getMessage() + "); the container's processes were killed";
            save(container, record.exited(Ids.nowNanos(), 128 + SIGKILL, "ShimDied", detail));
            LOG.warning("container " + container.describe() + ": " + detail);
        }
    }

    private void acknowledgeQuietly(Container container) {
        try {
            container.shim().ack();
        } catch (ShimException gone) {
            // the shim may be gone already; nothing is waiting for this
        }
    }

    /**
     * The event a state change makes: a start, or a stop of a process that ran or failed to start.
     * A created container removed without ever starting only gets its deletion.
     */
    private static ContainerListener.Change change(String before, ContainerRecord next) {
        if (before.equals(next.state())) {
            return null;
        }
        if (next.state().equals(ContainerRecord.RUNNING)) {
            return ContainerListener.Change.STARTED;
        }
        boolean ran = before.equals(ContainerRecord.RUNNING) || START_ERROR.equals(next.reason());
        return next.state().equals(ContainerRecord.EXITED) && ran ? ContainerListener.Change.STOPPED : null;
    }

    private void save(Container container, ContainerRecord next) throws IOException {
        ContainerListener.Change change = null;
        synchronized (container) {
            String before = container.record().state();
            if (!container.removed()) {
                records.save(next.id(), next);
            }
            container.update(next);
            change = change(before, next);
        }
        if (change != null && !container.removed()) {
            announce(container, change);
        }
    }

    static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
