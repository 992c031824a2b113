package dev.cortado.runtime.streaming.websocket;

import dev.cortado.runtime.streaming.portforward.PodConnection;
import dev.cortado.runtime.streaming.portforward.PortDialer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * The kubelet's WebSocket port-forward: the ports come from the URL's {@code port} parameters,
 * port i uses channel 2i for data and 2i+1 for errors, and the first message on each channel
 * names its port (two bytes, little-endian). One connection into the pod per port.
 */
public final class WebSocketPortForwardHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final Logger LOG = Logger.getLogger(WebSocketPortForwardHandler.class.getName());

    private final String name;
    private final List<Integer> ports;
    private final PortDialer dialer;
    private final Executor dials;
    private final ChannelFraming framing;
    private final List<PodConnection> pods = new ArrayList<>();
    private final List<List<byte[]>> early = new ArrayList<>();
    private Channel channel;

    public WebSocketPortForwardHandler(String name, String protocol, List<Integer> ports, PortDialer dialer,
                                       Executor dials) {
        this.name = name;
        this.ports = List.copyOf(ports);
        this.dialer = dialer;
        this.dials = dials;
        this.framing = new ChannelFraming(protocol);
        for (int i = 0; i < ports.size(); i++) {
            pods.add(null);
            early.add(new ArrayList<>());
        }
    }

    /** Announces the ports and dials them; call once the handshake is done. */
    public void start(Channel connection) {
        this.channel = connection;
        for (int i = 0; i < ports.size(); i++) {
            int index = i;
            int port = ports.get(i);
            byte[] announce = {(byte) port, (byte) (port >>> 8)};
            channel.write(framing.frame(2 * i, announce));
            channel.write(framing.frame(2 * i + 1, announce));
            if (!dialer.allowed(port)) {
                error(index, "port " + port + " was not named in the PortForward request");
                continue;
            }
            dials.execute(() -> {
                try {
                    SocketChannel socket = dialer.dial(port);
                    channel.eventLoop().execute(() -> connected(index, socket));
                } catch (IOException e) {
                    channel.eventLoop().execute(() -> error(index, "error forwarding port " + port + " to " + name
                            + ": " + e.getMessage()));
                }
            });
        }
        channel.flush();
    }

    private void connected(int index, SocketChannel socket) {
        if (!channel.isActive()) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // unused
            }
            return;
        }
        PodConnection pod = PodConnection.register(socket, channel.eventLoop(), new PodConnection.Peer() {
            @Override
            public void received(byte[] data) {
                channel.writeAndFlush(framing.frame(2 * index, data));
                if (!channel.isWritable()) {
                    pods.get(index).reading(false);
                }
            }

            @Override
            public void writable(boolean writable) {
                channel.config().setAutoRead(writable);
            }

            @Override
            public void closed() {
                // the protocol has no per-channel end: a closed pod connection ends the whole connection
                channel.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
            }
        });
        pods.set(index, pod);
        early.get(index).forEach(pod::send);
        early.get(index).clear();
    }

    private void error(int index, String message) {
        LOG.info(name + ": " + message);
        channel.writeAndFlush(framing.frame(2 * index + 1, message.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (ControlFrames.answer(ctx, frame)) {
            return;
        }
        ChannelFraming.Message message;
        try {
            message = framing.read(frame);
        } catch (IllegalArgumentException e) {
            LOG.info(name + ": " + e.getMessage());
            ctx.close();
            return;
        }
        if (message == null || message.channel() % 2 != 0 || message.channel() / 2 >= ports.size()) {
            return;
        }
        int index = message.channel() / 2;
        PodConnection pod = pods.get(index);
        if (pod != null) {
            pod.send(message.data());
        } else {
            early.get(index).add(message.data());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            for (PodConnection pod : pods) {
                if (pod != null) {
                    pod.reading(true);
                }
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (PodConnection pod : pods) {
            if (pod != null) {
                pod.close();
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info(name + ": connection failed: " + cause.getMessage());
        ctx.close();
    }
}
