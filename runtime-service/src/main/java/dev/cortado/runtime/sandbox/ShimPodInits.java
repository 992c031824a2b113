package dev.cortado.runtime.sandbox;

import dev.cortado.runtime.cgroup.Cgroup;
import dev.cortado.runtime.container.ContainerPaths;
import dev.cortado.runtime.namespace.PinnedNamespaces;
import dev.cortado.shim.ShimClient;
import dev.cortado.shim.ShimCreateRequest;
import dev.cortado.shim.ShimException;
import dev.cortado.shim.ShimGoneException;
import dev.cortado.shim.ShimHandle;
import dev.cortado.shim.ShimLauncher;
import dev.cortado.shim.plan.InitPlan;
import dev.cortado.shim.plan.InitPlanWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pod init of a pod sharing one PID namespace: cortado-shim's own init in PAUSE mode, pid 1
 * of a new PID namespace inside the pod's network, IPC and UTS namespaces, reaping orphans. It
 * needs no image and no root filesystem of its own.
 */
public final class ShimPodInits implements PodInits {

    private static final int SIGKILL = 9;

    private final ShimLauncher launcher;
    private final InitPlanWriter writer = new InitPlanWriter();
    private final Path stateDir;

    public ShimPodInits(ShimLauncher launcher, Path stateDir) {
        this.launcher = launcher;
        this.stateDir = stateDir;
    }

    @Override
    public Started start(String podId, PinnedNamespaces namespaces, Cgroup cgroup) throws IOException {
        List<InitPlan.NamespaceJoin> joins = new ArrayList<>();
        addJoin(joins, InitPlan.CLONE_NEWNET, namespaces.net());
        addJoin(joins, InitPlan.CLONE_NEWIPC, namespaces.ipc());
        addJoin(joins, InitPlan.CLONE_NEWUTS, namespaces.uts());
        InitPlan plan = new InitPlan(List.of(), List.of(), null, null, null, false, false, InitPlan.CLONE_NEWPID,
                joins, List.of(), List.of(), List.of(), List.of(), Map.of(), List.of(), 0, 0, List.of(), null, false,
                null, null, cgroup.procsFiles(), false, false, false, true, 0);
        Path bundle = stateDir.resolve("sandboxes").resolve(podId).resolve("pod-init");
        Files.createDirectories(bundle);
        Path planFile = bundle.resolve("init.plan");
        writer.write(plan, planFile);
        Path socket = ContainerPaths.shimSocket(stateDir, podId);
        ShimHandle handle = launcher.create(new ShimCreateRequest(podId, bundle, planFile, socket, null,
                bundle.resolve("exit")));
        new ShimClient(socket).start();
        return new Started((int) handle.initPid(), socket.toString());
    }

    private static void addJoin(List<InitPlan.NamespaceJoin> joins, int type, String path) {
        if (path != null) {
            joins.add(new InitPlan.NamespaceJoin(type, path));
        }
    }

    @Override
    public void stop(String socket, int pid) throws IOException {
        if (socket == null) {
            return;
        }
        ShimClient shim = new ShimClient(Path.of(socket));
        try {
            shim.kill(SIGKILL, false);
            shim.waitExit();
            shim.ack();
        } catch (ShimGoneException gone) {
            // already gone: its PID namespace went with it
        } catch (ShimException e) {
            throw new IOException("stopping the pod init (pid " + pid + "): " + e.getMessage(), e);
        }
    }
}
