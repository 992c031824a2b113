package dev.cortado.runtime.container;

import dev.cortado.cri.v1.ListContainersRequest;
import dev.cortado.cri.v1.RuntimeServiceGrpc;
import dev.cortado.hack.bench.CriClient;
import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.hack.registry.TempDirs;
import dev.cortado.runtime.daemon.DaemonProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One registry and one daemon on a fresh temp directory, shared by the tests of a class (each
 * test removes its pods afterwards with {@link #removeAllPods}). Closing it removes every pod,
 * stops the daemon and the registry, and fails if anything of the run is left on the host:
 * mounts under the directory, processes, or the pods' cgroups (which it also sweeps away, so a
 * failure does not spill into the next run). The directory is deleted in any case.
 */
final class ContainerHarness implements AutoCloseable {

    private final Path dir;
    private final LocalRegistry registry;
    private final DaemonProcess daemon;
    private final PodFixture pods;

    private ContainerHarness(Path dir, LocalRegistry registry, DaemonProcess daemon) {
        this.dir = dir;
        this.registry = registry;
        this.daemon = daemon;
        this.pods = new PodFixture(daemon.client(), dir.resolve("logs"));
    }

    static ContainerHarness start(String name, String... daemonFlags) throws Exception {
        return start(name, List.of(), daemonFlags);
    }

    /** With {@code jvmOptions} for the daemon's JVM. */
    static ContainerHarness start(String name, List<String> jvmOptions, String... daemonFlags) throws Exception {
        Path dir = TempDirs.create("cortado-" + name + "-");
        LocalRegistry registry = null;
        try {
            registry = LocalRegistry.start();
            return new ContainerHarness(dir, registry,
                    DaemonProcess.startWithJvmOptions(dir.resolve("daemon"), jvmOptions, daemonFlags));
        } catch (Exception | Error e) {
            if (registry != null) {
                registry.close();
            }
            TempDirs.deleteTree(dir);
            throw e;
        }
    }

    Path dir() {
        return dir;
    }

    LocalRegistry registry() {
        return registry;
    }

    PodFixture pods() {
        return pods;
    }

    CriClient client() {
        return daemon.client();
    }

    /** A second, independent connection to the daemon (closed by the caller). */
    CriClient connect() {
        return CriClient.connect("unix://" + DaemonProcess.socket(daemon.dir()));
    }

    RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return daemon.client().runtime();
    }

    /** The daemon's root (persistent) and state (volatile) directories. */
    Path root() {
        return daemon.root();
    }

    Path state() {
        return daemon.dir().resolve("state");
    }

    String daemonLog() {
        return daemon.log();
    }

    int containerCount() {
        return runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount();
    }

    /** Between tests: every pod and container goes, even after a failed test. */
    void removeAllPods() {
        pods.removeAll();
    }

    @Override
    public void close() throws Exception {
        List<String> problems = new ArrayList<>();
        try {
            pods.removeAll();
        } catch (RuntimeException e) {
            problems.add("removing the pods: " + e.getMessage());
        }
        try {
            int code = daemon.terminate();
            if (code != 0) {
                problems.add("the daemon exited " + code);
            }
        } catch (IOException e) {
            problems.add("stopping the daemon: " + e.getMessage());
        } finally {
            daemon.close();
            registry.close();
        }
        try {
            for (String leftover : new HostLeftovers(dir, pods.podIds()).sweep()) {
                problems.add("left behind: " + leftover);
            }
        } finally {
            if (!problems.isEmpty() || Boolean.getBoolean("cortado.test.printDaemonLog")) {
                System.out.println(daemon.log());
            }
            TempDirs.deleteTree(dir);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("the run was not cleaned up:\n  " + String.join("\n  ", problems));
        }
    }
}
