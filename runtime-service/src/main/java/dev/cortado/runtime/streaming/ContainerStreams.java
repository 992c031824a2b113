package dev.cortado.runtime.streaming;

import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.rpc.CriException;
import dev.cortado.runtime.container.Container;
import dev.cortado.runtime.container.ContainerManager;
import dev.cortado.runtime.sandbox.Sandbox;
import dev.cortado.runtime.sandbox.SandboxManager;
import dev.cortado.shim.ShimException;
import dev.cortado.shim.ShimGoneException;
import dev.cortado.shim.ShimStream;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What the streaming server needs from the containers and pods: checks made when the Exec,
 * Attach and PortForward RPCs hand out a URL, and the live streams opened when the URL is used.
 */
public final class ContainerStreams {
    /**
     * The node's network namespace, for pods on the host network: the daemon's own (it runs in
     * the node's). Not /proc/1/ns/net: where pid 1 is out of reach (a sandboxed or containerized
     * node, as on the build machines) opening that is refused even to root.
     */
    private final Path hostNetworkNamespace = Path.of("/proc/" + ProcessHandle.current().pid() + "/ns/net");

    private final ContainerManager containers;
    private final SandboxManager sandboxes;

    public ContainerStreams(ContainerManager containers, SandboxManager sandboxes) {
        this.containers = containers;
        this.sandboxes = sandboxes;
    }

    /** Checks the container exists and is running (CriException NOT_FOUND / FAILED_PRECONDITION otherwise) and that the flags are consistent. */
    public void checkExec(String containerId, List<String> cmd, boolean tty, boolean stdin, boolean stdout,
                          boolean stderr) {
        if (cmd.isEmpty()) {
            throw CriException.invalid("cmd is required");
        }
        checkFlags(tty, stdin, stdout, stderr);
        running(containerId);
    }

    public void checkAttach(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        checkFlags(tty, stdin, stdout, stderr);
        Container container = running(containerId);
        ContainerConfig config = container.config();
        if (tty != config.getTty()) {
            throw CriException.invalid("tty is " + tty + " but container " + container.describe() + " was created "
                    + (config.getTty() ? "with" : "without") + " a tty");
        }
        if (stdin && !config.getStdin()) {
            throw CriException.invalid("container " + container.describe() + " was created without stdin, so"
                    + " stdin cannot be attached");
        }
    }

    /**
     * Runs {@code cmd} in the container with live stdio; the caller closes the stream. A command
     * that cannot start raises a ShimException with the shim's message (
     * {@code exec nosuch: No such file or directory}); a container that is not running (or whose
     * shim is gone) a CriException.
     */
    public ShimStream exec(String containerId, List<String> cmd, boolean tty, boolean stdin) throws IOException {
        Container container = running(containerId);
        try {
            return containers.exec().stream(container, cmd, tty, stdin);
        } catch (ShimException failed) {
            throw notRunningIfGone(container, failed);
        }
    }

    /**
     * Attaches to the container's stdio; the caller closes the stream. Failures as for
     * {@link #exec}.
     */
    public ShimStream attach(String containerId, boolean stdin, boolean stdout, boolean stderr) throws IOException {
        Container container = running(containerId);
        try {
            return container.shimClient().attach(stdin, stdout, stderr);
        } catch (ShimException failed) {
            throw notRunningIfGone(container, failed);
        }
    }

    /**
     * The pod's pinned network namespace path for port-forward (host network pods: the daemon's
     * own, {@code /proc/<daemon pid>/ns/net}); NOT_FOUND for unknown pods, FAILED_PRECONDITION for
     * a stopped pod (its namespace was released).
     */
    public Path podNetworkNamespace(String podSandboxId) {
        Sandbox sandbox = sandboxes.get(podSandboxId);
        if (sandbox.hostNetwork()) {
            return hostNetworkNamespace;
        }
        String pinned = sandbox.record().namespaces().net();
        if (pinned == null) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "pod " + sandbox.describe()
                    + " is stopped: its network namespace was released");
        }
        return Path.of(pinned);
    }

    private Container running(String containerId) {
        Container container = containers.get(containerId);
        if (!container.running()) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "container " + container.describe()
                    + " is not running");
        }
        return container;
    }

    /** The kubelet rejects these combinations too: a tty has one output stream, and some stream is needed. */
    private static void checkFlags(boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        if (!stdin && !stdout && !stderr) {
            throw CriException.invalid("one of stdin, stdout and stderr must be set");
        }
        if (tty && stderr) {
            throw CriException.invalid("tty and stderr cannot both be set: a terminal has one output stream");
        }
    }

    /** A shim that is gone means the container ended under us; other shim errors keep their message. */
    private static ShimException notRunningIfGone(Container container, ShimException failed) {
        if (failed instanceof ShimGoneException) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "container " + container.describe()
                    + " is not running (its shim is gone)", failed);
        }
        return failed;
    }
}
