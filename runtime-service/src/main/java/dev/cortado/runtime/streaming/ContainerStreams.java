package dev.cortado.runtime.streaming;

import dev.cortado.rpc.CriException;
import dev.cortado.runtime.container.Container;
import dev.cortado.runtime.container.ContainerManager;
import dev.cortado.runtime.sandbox.SandboxManager;
import dev.cortado.shim.ShimStream;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * TEMPORARY stand-in for the class h-streamshim provides (same public API), so the streaming
 * server compiles and port-forward works before that branch is merged; delete on merge.
 */
public final class ContainerStreams {

    private final ContainerManager containers;
    private final SandboxManager sandboxes;

    public ContainerStreams(ContainerManager containers, SandboxManager sandboxes) {
        this.containers = containers;
        this.sandboxes = sandboxes;
    }

    public void checkExec(String containerId, List<String> cmd, boolean tty, boolean stdin, boolean stdout,
                          boolean stderr) {
        if (cmd.isEmpty()) {
            throw CriException.invalid("cmd is required");
        }
        running(containerId);
    }

    public void checkAttach(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        running(containerId);
    }

    private void running(String containerId) {
        Container container = containers.get(containerId);
        if (!container.running()) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, "container " + container.describe()
                    + " is not running");
        }
    }

    public ShimStream exec(String containerId, List<String> cmd, boolean tty, boolean stdin) throws IOException {
        throw new IOException("interactive exec needs the shim support of h-streamshim");
    }

    public ShimStream attach(String containerId, boolean stdin, boolean stdout, boolean stderr) throws IOException {
        throw new IOException("attach needs the shim support of h-streamshim");
    }

    public Path podNetworkNamespace(String podSandboxId) {
        String net = sandboxes.get(podSandboxId).record().namespaces().net();
        return net == null ? null : Path.of(net);
    }
}
