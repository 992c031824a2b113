package dev.cortado.runtime.streaming;

import dev.cortado.runtime.streaming.spdy.SpdyConnection;
import dev.cortado.runtime.streaming.spdy.SpdyFrameCodec;
import dev.cortado.runtime.streaming.spdy.SpdyFrameHandlers;
import dev.cortado.runtime.streaming.websocket.ChannelFraming;
import dev.cortado.runtime.streaming.websocket.SpdyOverWebSocket;
import dev.cortado.runtime.streaming.websocket.WebSocketPortForwardHandler;
import dev.cortado.runtime.streaming.websocket.WebSocketProcessHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Upgrades a streaming request to WebSocket: chooses the subprotocol (the client's order wins),
 * completes the handshake and puts the target's handler in place of the HTTP handling.
 */
final class WebSocketUpgrade {

    static final int MAX_MESSAGE = 1 << 20;

    private WebSocketUpgrade() {
    }

    static void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri,
                        StreamTarget target, StreamBackend backend) {
        boolean forward = target instanceof StreamTarget.PortForward;
        List<String> supported = new ArrayList<>();
        if (forward) {
            supported.add(SpdyOverWebSocket.PROTOCOL);
            supported.addAll(ChannelFraming.PORT_FORWARD_PROTOCOLS);
        } else {
            supported.addAll(ChannelFraming.PROCESS_PROTOCOLS);
        }
        List<String> offered = StreamingHttpHandler.offeredProtocols(
                request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
        Optional<String> chosen = StreamProtocols.negotiate(offered, supported);
        if (chosen.isEmpty()) {
            StreamingHttpHandler.reply(ctx, HttpResponseStatus.BAD_REQUEST, "none of the offered WebSocket"
                    + " subprotocols " + offered + " is supported; this URL speaks " + supported + "\n");
            return;
        }
        String protocol = offered.isEmpty() ? (forward ? "portforward.k8s.io" : "channel.k8s.io") : chosen.get();
        String location = "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + uri.path();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(location,
                offered.isEmpty() ? null : protocol, false, MAX_MESSAGE).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        String name = StreamBackend.sessionName(target);
        ChannelPipeline pipeline = ctx.pipeline();
        ChannelFuture handshake = handshaker.handshake(ctx.channel(), request);
        Consumer<io.netty.channel.Channel> start;
        if (protocol.equals(SpdyOverWebSocket.PROTOCOL)) {
            SpdyFrameCodec codec = new SpdyFrameCodec();
            pipeline.replace(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE));
            pipeline.addLast("spdy-over-ws", new SpdyOverWebSocket());
            pipeline.addLast("spdy-decoder", new SpdyFrameHandlers.Decoder(codec));
            pipeline.addLast("spdy-encoder", new SpdyFrameHandlers.Encoder(codec));
            pipeline.addLast("spdy-connection", new SpdyConnection(
                    StreamingHttpHandler.listener(ctx.channel(), target, StreamProtocols.PORT_FORWARD, backend)));
            start = channel -> { };
        } else if (forward) {
            List<Integer> ports = new ArrayList<>();
            for (String port : uri.parameters().getOrDefault("port", List.of())) {
                try {
                    ports.add(Integer.parseInt(port));
                } catch (NumberFormatException e) {
                    ports.add(0);
                }
            }
            WebSocketPortForwardHandler handler = new WebSocketPortForwardHandler(name, protocol, ports,
                    backend.portDialer((StreamTarget.PortForward) target), backend.dials());
            pipeline.replace(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE));
            pipeline.addLast("ws-portforward", handler);
            start = handler::start;
        } else {
            List<String> command = target instanceof StreamTarget.Exec exec ? exec.cmd() : List.of();
            WebSocketProcessHandler handler = new WebSocketProcessHandler(name, protocol, command,
                    target instanceof StreamTarget.Exec, backend.opener(target));
            pipeline.replace(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(MAX_MESSAGE));
            pipeline.addLast("ws-process", handler);
            start = handler::start;
        }
        handshake.addListener(done -> {
            if (done.isSuccess()) {
                start.accept(ctx.channel());
            } else {
                ctx.channel().close();
            }
        });
    }
}
