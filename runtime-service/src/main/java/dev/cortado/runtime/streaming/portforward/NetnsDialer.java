package dev.cortado.runtime.streaming.portforward;

import dev.cortado.linux.ErrnoException;
import dev.cortado.linux.Namespaces;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Connects to a port inside a pod's network namespace. A socket belongs to the namespace of the
 * thread that created it, for its whole life; so each dial runs on a fresh thread that joins the
 * namespace, opens and connects the socket, hands it back and ends (taking its namespace with it,
 * so no pooled thread is ever left in a pod's namespace).
 */
public final class NetnsDialer {

    private final Namespaces namespaces;

    public NetnsDialer(Namespaces namespaces) {
        this.namespaces = namespaces;
    }

    /**
     * A connected blocking channel to localhost:port in the namespace (null: the host's), trying
     * IPv4 then IPv6 loopback as the kubelet does.
     */
    public SocketChannel dial(Path netns, int port, String podLabel) throws IOException {
        CompletableFuture<SocketChannel> result = new CompletableFuture<>();
        Thread dialer = new Thread(() -> {
            try {
                if (netns != null) {
                    namespaces.setns(netns, Namespaces.CLONE_NEWNET);
                }
                result.complete(connect(port));
            } catch (ErrnoException e) {
                result.completeExceptionally(new IOException("cannot enter the pod's network namespace " + netns
                        + ": " + e.getMessage(), e));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, "portforward-netns-" + podLabel);
        dialer.setDaemon(true);
        dialer.start();
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while dialing port " + port);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
        }
    }

    private static SocketChannel connect(int port) throws IOException {
        IOException first = null;
        for (InetAddress loopback : new InetAddress[] {InetAddress.getByName("127.0.0.1"),
                InetAddress.getByName("::1")}) {
            SocketChannel channel = SocketChannel.open();
            try {
                channel.connect(new InetSocketAddress(loopback, port));
                return channel;
            } catch (IOException e) {
                channel.close();
                if (first == null) {
                    first = e;
                }
            }
        }
        throw new IOException("cannot connect to port " + port + " in the pod: " + first.getMessage(), first);
    }
}
