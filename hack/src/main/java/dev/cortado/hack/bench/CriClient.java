package dev.cortado.hack.bench;

import dev.cortado.cri.v1.ImageServiceGrpc;
import dev.cortado.cri.v1.RuntimeServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A CRI v1 client for benchmarks and harnesses: one gRPC channel over a unix socket (netty epoll)
 * to any CRI runtime, cortado or containerd alike, with blocking stubs for both services.
 * grpc-netty logs "Unknown channel option 'SO_KEEPALIVE'" for unix-socket channels; it is harmless.
 */
public final class CriClient implements AutoCloseable {
    /** gRPC's 4 MiB default is too small for ListImages/ListContainers on a busy node. */
    private static final int MAX_INBOUND_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final Path socket;
    private final EventLoopGroup eventLoop;
    private final ManagedChannel channel;

    private CriClient(Path socket, EventLoopGroup eventLoop, ManagedChannel channel) {
        this.socket = socket;
        this.eventLoop = eventLoop;
        this.channel = channel;
    }

    /**
     * Opens a channel to {@code unix:///path/to.sock} (or a bare absolute path). The connection is
     * made lazily, on the first call; a missing socket shows up there as UNAVAILABLE.
     */
    public static CriClient connect(String endpoint) {
        Path socket = socketPath(endpoint);
        EventLoopGroup eventLoop = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("cri-client-epoll", true), EpollIoHandler.newFactory());
        try {
            ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                    .eventLoopGroup(eventLoop)
                    .channelType(EpollDomainSocketChannel.class)
                    .usePlaintext()
                    // the socket path is no host name; runtimes ignore :authority anyway
                    .overrideAuthority("localhost")
                    .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                    .build();
            return new CriClient(socket, eventLoop, channel);
        } catch (RuntimeException | Error e) {
            eventLoop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** The socket path of a {@code unix://} endpoint as the kubelet and crictl spell it. */
    public static Path socketPath(String endpoint) {
        String path = endpoint.startsWith("unix://") ? endpoint.substring("unix://".length()) : endpoint;
        if (endpoint.contains("://") && !endpoint.startsWith("unix://")) {
            throw new IllegalArgumentException("CRI endpoint \"" + endpoint
                    + "\" is not a unix socket; write it as unix:///path/to.sock");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("CRI endpoint \"" + endpoint
                    + "\" needs an absolute socket path, as in unix:///run/cortado/cortado.sock");
        }
        return Path.of(path);
    }

    public Path socket() {
        return socket;
    }

    public ImageServiceGrpc.ImageServiceBlockingStub images() {
        return ImageServiceGrpc.newBlockingStub(channel);
    }

    public RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return RuntimeServiceGrpc.newBlockingStub(channel);
    }

    /** The underlying channel, for async or future stubs. */
    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Override
    public String toString() {
        return "CriClient[unix://" + socket + "]";
    }
}
