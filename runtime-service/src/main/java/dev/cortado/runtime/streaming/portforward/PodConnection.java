package dev.cortado.runtime.streaming.portforward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A connection to a port in a pod, served by the same event loop as the client connection it
 * is forwarded for: the dialled socket is handed to netty, so bytes are copied both ways
 * without a thread per direction.
 */
public final class PodConnection {

    /** What the pod side reports: bytes it sent, that it closed, and whether it takes more bytes. */
    public interface Peer {
        void received(byte[] data);

        void closed();

        /** The pod's socket buffer filled up (false) or drained (true). */
        default void writable(boolean writable) {
        }
    }

    private final NioSocketChannel channel;

    private PodConnection(NioSocketChannel channel) {
        this.channel = channel;
    }

    /** Registers the connected socket on {@code loop}; the peer is told of its bytes and its end. */
    public static PodConnection register(SocketChannel socket, EventLoop loop, Peer peer) {
        NioSocketChannel channel = new NioSocketChannel(socket);
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                try {
                    peer.received(ByteBufUtil.getBytes(buf));
                } finally {
                    buf.release();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                peer.closed();
            }

            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                peer.writable(ctx.channel().isWritable());
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        });
        loop.register(channel);
        return new PodConnection(channel);
    }

    public void send(byte[] data) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(data));
    }

    /** The client finished sending: the pod reads end of file, and may still answer. */
    public void shutdownOutput() {
        channel.eventLoop().execute(() -> channel.shutdownOutput());
    }

    public void close() {
        channel.close();
    }

    /**
     * Stops or resumes reading from the pod, so a client that reads slowly holds the pod back
     * instead of filling the daemon's memory.
     */
    public void reading(boolean on) {
        channel.config().setAutoRead(on);
    }
}
