package dev.cortado.runtime.streaming;

import dev.cortado.runtime.streaming.portforward.NetnsDialer;
import dev.cortado.runtime.streaming.portforward.PortDialer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the protocol handlers need from the rest of the daemon, per target: how to open the
 * process's stream, or how to dial the pod's ports. Dials block, so they run on their own
 * (named, cached) threads.
 */
public final class StreamBackend implements AutoCloseable {

    private final ContainerStreams containers;
    private final NetnsDialer dialer;
    private final ExecutorService dials;

    public StreamBackend(ContainerStreams containers, NetnsDialer dialer) {
        this.containers = containers;
        this.dialer = dialer;
        AtomicInteger count = new AtomicInteger();
        this.dials = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "portforward-dial-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public ContainerStreams containers() {
        return containers;
    }

    public ExecutorService dials() {
        return dials;
    }

    /** A name for logs and thread names: the kind and a short id. */
    public static String sessionName(StreamTarget target) {
        String id = target instanceof StreamTarget.Exec exec ? exec.containerId()
                : target instanceof StreamTarget.Attach attach ? attach.containerId()
                : ((StreamTarget.PortForward) target).podSandboxId();
        return target.kind() + "-" + id.substring(0, Math.min(12, id.length()));
    }

    public ProcessSession.Opener opener(StreamTarget target) {
        if (target instanceof StreamTarget.Exec exec) {
            return () -> containers.exec(exec.containerId(), exec.cmd(), exec.tty(), exec.stdin());
        }
        StreamTarget.Attach attach = (StreamTarget.Attach) target;
        return () -> containers.attach(attach.containerId(), attach.stdin(), attach.stdout(), attach.stderr());
    }

    public PortDialer portDialer(StreamTarget.PortForward target) {
        String label = target.podSandboxId().substring(0, Math.min(12, target.podSandboxId().length()));
        return new PortDialer() {
            @Override
            public SocketChannel dial(int port) throws java.io.IOException {
                Path netns;
                try {
                    netns = containers.podNetworkNamespace(target.podSandboxId());
                } catch (RuntimeException e) {
                    throw new java.io.IOException(e.getMessage(), e);
                }
                return dialer.dial(netns, port, label);
            }

            @Override
            public boolean allowed(int port) {
                return target.ports().isEmpty() || target.ports().contains(port);
            }
        };
    }

    @Override
    public void close() {
        dials.shutdownNow();
    }
}
