package dev.cortado.runtime.namespace;

import dev.cortado.linux.ErrnoException;
import dev.cortado.linux.MountFlags;
import dev.cortado.linux.Namespaces;
import dev.cortado.linux.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates a pod's network, IPC and UTS namespaces without a process to hold them: a dedicated
 * platform thread unshares them for itself, sets the host name and brings loopback up inside,
 * and bind-mounts its {@code /proc/self/task/<tid>/ns/*} files under the state directory; then
 * the thread ends and the bind mounts keep the namespaces alive (what CRI-O's pinns does, done
 * in-process: about a millisecond per pod instead of a pause container).
 */
public final class NamespacePinner {

    private static final String[] KINDS = {"netns", "ipcns", "utsns", "pidns"};

    private final Namespaces namespaces;
    private final Syscalls syscalls;
    private final Path stateDir;

    public NamespacePinner(Namespaces namespaces, Syscalls syscalls, Path stateDir) {
        this.namespaces = namespaces;
        this.syscalls = syscalls;
        this.stateDir = stateDir;
    }

    /** What to create: each flag true for a namespace of the pod's own. */
    public record Request(String podId, boolean net, boolean ipc, boolean uts, String hostname) {
    }

    public PinnedNamespaces pin(Request request) throws IOException {
        int flags = (request.net() ? Namespaces.CLONE_NEWNET : 0) | (request.ipc() ? Namespaces.CLONE_NEWIPC : 0)
                | (request.uts() ? Namespaces.CLONE_NEWUTS : 0);
        if (flags == 0) {
            return PinnedNamespaces.none();
        }
        Path net = request.net() ? target("netns", request.podId()) : null;
        Path ipc = request.ipc() ? target("ipcns", request.podId()) : null;
        Path uts = request.uts() ? target("utsns", request.podId()) : null;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Path> pinned = new ArrayList<>();
        Thread pinner = new Thread(() -> {
            try {
                namespaces.unshare(flags);
                if (request.uts() && request.hostname() != null && !request.hostname().isEmpty()) {
                    namespaces.setHostname(request.hostname());
                }
                if (request.net()) {
                    namespaces.loopbackUp();
                }
                String task = "/proc/self/task/" + namespaces.threadId() + "/ns/";
                bind(task + "net", net, pinned);
                bind(task + "ipc", ipc, pinned);
                bind(task + "uts", uts, pinned);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "pin-namespaces-" + request.podId().substring(0, Math.min(12, request.podId().length())));
        pinner.start();
        try {
            pinner.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while pinning namespaces of pod " + request.podId(), e);
        }
        if (failure.get() != null) {
            for (Path path : pinned) {
                unpin(path.toString());
            }
            Throwable cause = failure.get();
            throw cause instanceof IOException io ? io
                    : new IOException("pinning namespaces of pod " + request.podId() + ": " + cause, cause);
        }
        return new PinnedNamespaces(string(net), string(ipc), string(uts), null);
    }

    /** Keeps the namespace behind a /proc ns file alive at a path of ours. */
    public String pinFile(String nsFile, String kind, String podId) throws IOException {
        Path target = target(kind, podId);
        List<Path> pinned = new ArrayList<>();
        bind(nsFile, target, pinned);
        return target.toString();
    }

    /**
     * Drops every namespace pinned for the pod, including any a crash left pinned before it was
     * recorded; idempotent.
     */
    public void release(String podId) throws IOException {
        for (String kind : KINDS) {
            unpin(target(kind, podId).toString());
        }
    }

    private void bind(String source, Path target, List<Path> pinned) throws IOException {
        if (target == null) {
            return;
        }
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        Files.createFile(target);
        syscalls.mount(source, target, null, MountFlags.MS_BIND, null);
        pinned.add(target);
    }

    private void unpin(String path) throws IOException {
        if (path == null) {
            return;
        }
        Path file = Path.of(path);
        try {
            syscalls.umount2(file, MountFlags.MNT_DETACH);
        } catch (ErrnoException notMounted) {
            // EINVAL: not a mount point any more; ENOENT: gone already
        }
        Files.deleteIfExists(file);
    }

    private Path target(String kind, String podId) {
        return stateDir.resolve(kind).resolve(podId);
    }

    private static String string(Path path) {
        return path == null ? null : path.toString();
    }
}
