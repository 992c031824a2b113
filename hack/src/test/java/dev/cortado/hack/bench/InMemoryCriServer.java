package dev.cortado.hack.bench;

import dev.cortado.cri.v1.Image;
import dev.cortado.cri.v1.ImageServiceGrpc;
import dev.cortado.cri.v1.ImageStatusRequest;
import dev.cortado.cri.v1.ImageStatusResponse;
import dev.cortado.cri.v1.PullImageRequest;
import dev.cortado.cri.v1.PullImageResponse;
import dev.cortado.cri.v1.RuntimeServiceGrpc;
import dev.cortado.cri.v1.VersionRequest;
import dev.cortado.cri.v1.VersionResponse;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC server on a real unix socket that answers the few CRI calls the benchmarks make,
 * keeping "pulled" references in memory: the client side under test talks to it as to a runtime.
 * Its RuntimeService answers only Version unless another is given.
 */
final class InMemoryCriServer implements AutoCloseable {
    static final VersionResponse VERSION = VersionResponse.newBuilder().setVersion("0.1.0").setRuntimeName("inmemory")
            .setRuntimeVersion("0").setRuntimeApiVersion("v1").build();
    final Path socket;
    final Map<String, String> pulled = new ConcurrentHashMap<>();
    final AtomicInteger pulls = new AtomicInteger();
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Server server;

    InMemoryCriServer(Path dir, String imageId, long pullMillis) throws IOException {
        this(dir, imageId, pullMillis, new RuntimeServiceGrpc.RuntimeServiceImplBase() {
            @Override
            public void version(VersionRequest request, StreamObserver<VersionResponse> response) {
                response.onNext(VERSION);
                response.onCompleted();
            }
        });
    }

    /** With {@code runtime} as the RuntimeService, e.g. an {@link InMemoryRuntime}. */
    InMemoryCriServer(Path dir, String imageId, long pullMillis, RuntimeServiceGrpc.RuntimeServiceImplBase runtime)
            throws IOException {
        this.socket = dir.resolve("cri.sock");
        this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("test-cri-boss"), EpollIoHandler.newFactory());
        this.workers = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("test-cri-worker"), EpollIoHandler.newFactory());
        this.server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .channelType(EpollServerDomainSocketChannel.class)
                .addService(new ImageServiceGrpc.ImageServiceImplBase() {
                    @Override
                    public void pullImage(PullImageRequest request, StreamObserver<PullImageResponse> response) {
                        pulls.incrementAndGet();
                        if (!pulled.containsKey(request.getImage().getImage())) {
                            sleep(pullMillis);
                        }
                        pulled.put(request.getImage().getImage(), imageId);
                        response.onNext(PullImageResponse.newBuilder().setImageRef(imageId).build());
                        response.onCompleted();
                    }

                    @Override
                    public void imageStatus(ImageStatusRequest request, StreamObserver<ImageStatusResponse> response) {
                        ImageStatusResponse.Builder answer = ImageStatusResponse.newBuilder();
                        String id = pulled.get(request.getImage().getImage());
                        if (id != null) {
                            answer.setImage(Image.newBuilder().setId(id).addRepoTags(request.getImage().getImage()));
                        }
                        response.onNext(answer.build());
                        response.onCompleted();
                    }
                })
                .addService(runtime)
                .build()
                .start();
    }

    String endpoint() {
        return "unix://" + socket;
    }

    @Override
    public void close() throws IOException {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        Files.deleteIfExists(socket);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
