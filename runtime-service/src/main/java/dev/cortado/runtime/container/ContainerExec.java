package dev.cortado.runtime.container;

import dev.cortado.image.metadata.AtomicFiles;
import dev.cortado.rpc.CriException;
import dev.cortado.runtime.oci.ContainerSpec;
import dev.cortado.runtime.state.Ids;
import dev.cortado.shim.ExecResult;
import dev.cortado.shim.ShimStream;
import dev.cortado.shim.plan.InitPlan;
import dev.cortado.shim.plan.InitPlanWriter;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Commands run in a running container: ExecSync (output collected, capped) and the streaming
 * server's exec (live stdio). Each gets an exec plan in the container's bundle, derived from the
 * container's own spec, which the shim reads and which is deleted once the shim has it.
 */
public final class ContainerExec {
    /** Per stream: both together stay under the kubelet's 16 MiB message limit. */
    static final int EXEC_OUTPUT_CAP = 7 << 20;

    /** The spec a container was created with (or decided again after a restart). */
    @FunctionalInterface
    interface Specs {
        ContainerSpec of(Container container) throws IOException;
    }

    private final Specs specs;
    private final InitPlanWriter planWriter = new InitPlanWriter();

    ContainerExec(Specs specs) {
        this.specs = specs;
    }

    /** Runs a command in a running container and returns its exit code and output. */
    public ExecResult sync(Container container, List<String> command, Duration timeout) throws IOException {
        Path planFile = writePlan(container, command, false);
        try {
            return container.shim().exec(planFile, timeout, EXEC_OUTPUT_CAP);
        } finally {
            Files.deleteIfExists(planFile);
        }
    }

    /**
     * Starts a command in a running container with live stdio; returns once it runs. The caller
     * owns (and closes) the stream.
     */
    public ShimStream stream(Container container, List<String> command, boolean tty, boolean stdin)
            throws IOException {
        Path planFile = writePlan(container, command, tty);
        try {
            return container.shim().execStream(planFile, tty, stdin);
        } finally {
            Files.deleteIfExists(planFile);
        }
    }

    /** The plan of a command run in the container, in its bundle; the caller deletes it. */
    private Path writePlan(Container container, List<String> command, boolean tty) throws IOException {
        if (command.isEmpty()) {
            throw CriException.invalid("cmd is required");
        }
        if (!container.running()) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "container " + container.describe()
                    + " is not running");
        }
        InitPlan plan = ExecPlans.of(specs.of(container), container.record().initPid(), command, tty);
        Path planFile = container.paths().bundle().resolve("exec-" + Ids.newId().substring(0, 16) + ".plan");
        AtomicFiles.writeVolatile(planFile, planWriter.encode(plan));
        return planFile;
    }
}
