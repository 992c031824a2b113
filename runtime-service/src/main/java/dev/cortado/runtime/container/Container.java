package dev.cortado.runtime.container;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.runtime.oci.ContainerSpec;
import dev.cortado.shim.ShimClient;
import java.util.concurrent.CompletableFuture;

/**
 * A container as the daemon holds it: its config (changed only by UpdateContainerResources), its
 * current record, the client of its shim, and a future that completes once its exit has been
 * recorded. Changes are made under its monitor ({@code synchronized (container)}).
 */
public final class Container {

    private volatile ContainerConfig config;
    private final ContainerPaths paths;
    private final ShimClient shim;
    private final CompletableFuture<ContainerRecord> exited = new CompletableFuture<>();
    private volatile ContainerRecord record;
    private volatile ContainerSpec spec;
    private volatile boolean removed;
    /** The resolved stop signal, once known: it never changes for a container. */
    private volatile Integer stopSignal;

    Container(ContainerRecord record, ContainerPaths paths, ShimClient shim) {
        this.record = record;
        this.paths = paths;
        this.shim = shim;
        this.config = parse(record);
    }

    private static ContainerConfig parse(ContainerRecord record) {
        try {
            return ContainerConfig.parseFrom(record.config());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("container " + record.id() + " has an unreadable config", e);
        }
    }

    /** The stop signal, resolved once by {@code resolver} (which reads the image config) and kept. */
    public int stopSignal(java.util.function.IntSupplier resolver) {
        Integer known = stopSignal;
        if (known == null) {
            known = resolver.getAsInt();
            stopSignal = known;
        }
        return known;
    }

    public String id() {
        return record.id();
    }

    public ContainerConfig config() {
        return config;
    }

    public ContainerRecord record() {
        return record;
    }

    void update(ContainerRecord next) {
        if (next.config() != record.config()) {
            config = parse(next); // UpdateContainerResources changed it
        }
        record = next;
        if (next.state().equals(ContainerRecord.EXITED)) {
            exited.complete(next);
        }
    }

    /** How it was set up, once known (after create, or rebuilt after a restart). */
    ContainerSpec spec() {
        return spec;
    }

    void spec(ContainerSpec built) {
        this.spec = built;
    }

    public ContainerPaths paths() {
        return paths;
    }

    ShimClient shim() {
        return shim;
    }

    /** Its shim's control client, for requests the service makes directly (reopen the log). */
    public ShimClient shimClient() {
        return shim;
    }

    /** Marks it removed: a late exit report must not bring its record back. */
    void markRemoved() {
        removed = true;
    }

    boolean removed() {
        return removed;
    }

    /** Completes with the exit record once the container has exited and that was recorded. */
    public CompletableFuture<ContainerRecord> exited() {
        return exited;
    }

    public boolean running() {
        return record.state().equals(ContainerRecord.RUNNING);
    }

    /** name (attempt n) in pod sandbox, for log lines */
    public String describe() {
        return config.getMetadata().getName() + " (" + id().substring(0, 12) + ")";
    }
}
