package dev.cortado.runtime.streaming;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The HTTP server the Exec, Attach and PortForward URLs point at. It uses NIO rather than epoll
 * because port-forward hands sockets dialled inside pods (plain JDK channels) to its event loops.
 */
public final class StreamingServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StreamingServer.class.getName());
    /** A streaming request is a bare GET with a few headers. */
    private static final int MAX_REQUEST = 64 * 1024;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel listener;
    private final InetSocketAddress bound;

    private StreamingServer(EventLoopGroup boss, EventLoopGroup workers, Channel listener) {
        this.boss = boss;
        this.workers = workers;
        this.listener = listener;
        this.bound = (InetSocketAddress) listener.localAddress();
    }

    public static StreamingServer start(InetSocketAddress address, StreamTokens tokens, StreamBackend backend)
            throws IOException {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, named("streaming-accept"), NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, named("streaming-io"), NioIoHandler.newFactory());
        try {
            Channel listener = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast("http", new HttpServerCodec());
                            channel.pipeline().addLast("http-aggregator", new HttpObjectAggregator(MAX_REQUEST));
                            channel.pipeline().addLast("streaming", new StreamingHttpHandler(tokens, backend));
                        }
                    })
                    .bind(address).syncUninterruptibly().channel();
            StreamingServer server = new StreamingServer(boss, workers, listener);
            LOG.info("streaming server (exec, attach, port-forward) on " + server.baseUrl());
            return server;
        } catch (RuntimeException e) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot serve streaming on " + address + ": " + e.getMessage()
                    + " (set [streaming] address or --streaming-address)", e);
        }
    }

    public InetSocketAddress address() {
        return bound;
    }

    /**
     * http://host:port of the URLs handed out. A wildcard listener is named by loopback, which
     * the kubelet on the same node reaches; set a concrete address to serve other hosts.
     */
    public String baseUrl() {
        InetAddress host = bound.getAddress();
        if (host.isAnyLocalAddress()) {
            host = InetAddress.getLoopbackAddress();
        }
        String literal = host.getHostAddress();
        if (literal.contains(":")) {
            int zone = literal.indexOf('%');
            literal = "[" + (zone > 0 ? literal.substring(0, zone) : literal) + "]";
        }
        return "http://" + literal + ":" + bound.getPort();
    }

    public String url(StreamTarget target, String token) {
        return baseUrl() + "/" + target.kind() + "/" + token;
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static ThreadFactory named(String job) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, job + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
