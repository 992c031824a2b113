package dev.cortado.runtime.streaming;

import dev.cortado.runtime.streaming.spdy.SpdyConnection;
import dev.cortado.runtime.streaming.spdy.SpdyFrameCodec;
import dev.cortado.runtime.streaming.spdy.SpdyFrameHandlers;
import dev.cortado.runtime.streaming.spdy.SpdyPortForwardListener;
import dev.cortado.runtime.streaming.spdy.SpdyProcessListener;
import dev.cortado.runtime.streaming.spdy.SpdyStreamListener;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The HTTP side of a streaming connection: finds the target of the URL's token (spending it) and
 * upgrades the connection to SPDY/3.1 or WebSocket, negotiating the stream protocol; after that
 * the connection belongs to the protocol's handlers and this handler leaves the pipeline.
 */
final class StreamingHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = Logger.getLogger(StreamingHttpHandler.class.getName());
    static final String PROTOCOL_HEADER = "X-Stream-Protocol-Version";

    private final StreamTokens tokens;
    private final StreamBackend backend;
    private boolean upgraded;

    StreamingHttpHandler(StreamTokens tokens, StreamBackend backend) {
        this.tokens = tokens;
        this.backend = backend;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.executor().schedule(() -> {
            if (!upgraded && ctx.channel().isActive()) {
                ctx.close();
            }
        }, StreamProtocols.SETUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String[] parts = uri.path().split("/");
        if (parts.length != 3 || !parts[0].isEmpty()) {
            reply(ctx, HttpResponseStatus.NOT_FOUND, "no such streaming URL\n");
            return;
        }
        Optional<StreamTarget> target = tokens.take(parts[1], parts[2]);
        if (target.isEmpty()) {
            reply(ctx, HttpResponseStatus.NOT_FOUND, "unknown, used or expired streaming URL " + uri.path()
                    + " (URLs are single-use and expire after " + StreamTokens.TTL.toSeconds() + " s)\n");
            return;
        }
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE, "");
        if (upgrade.equalsIgnoreCase("websocket")) {
            upgraded = true;
            WebSocketUpgrade.upgrade(ctx, request, uri, target.get(), backend);
        } else if (upgrade.toLowerCase(java.util.Locale.ROOT).contains("spdy/3.1")) {
            spdy(ctx, request, target.get());
        } else {
            reply(ctx, HttpResponseStatus.BAD_REQUEST, "this URL must be opened with \"Upgrade: SPDY/3.1\" or"
                    + " \"Upgrade: websocket\" (as kubectl and crictl do)\n");
        }
    }

    private void spdy(ChannelHandlerContext ctx, FullHttpRequest request, StreamTarget target) {
        List<String> supported = target instanceof StreamTarget.PortForward
                ? List.of(StreamProtocols.PORT_FORWARD) : StreamProtocols.SPDY_EXEC;
        List<String> offered = offeredProtocols(request.headers().getAll(PROTOCOL_HEADER));
        Optional<String> chosen = StreamProtocols.negotiate(offered, supported);
        if (chosen.isEmpty()) {
            reply(ctx, HttpResponseStatus.FORBIDDEN, "none of the offered stream protocols " + offered
                    + " is supported; this URL speaks " + supported + "\n");
            return;
        }
        upgraded = true;
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SWITCHING_PROTOCOLS);
        response.headers().set(HttpHeaderNames.CONNECTION, "Upgrade");
        response.headers().set(HttpHeaderNames.UPGRADE, "SPDY/3.1");
        if (!offered.isEmpty()) {
            response.headers().set(PROTOCOL_HEADER, chosen.get());
        }
        ctx.writeAndFlush(response);
        ChannelPipeline pipeline = ctx.pipeline();
        SpdyFrameCodec codec = new SpdyFrameCodec();
        pipeline.addAfter(ctx.name(), "spdy-decoder", new SpdyFrameHandlers.Decoder(codec));
        pipeline.addAfter("spdy-decoder", "spdy-encoder", new SpdyFrameHandlers.Encoder(codec));
        pipeline.addAfter("spdy-encoder", "spdy-connection",
                new SpdyConnection(listener(ctx.channel(), target, chosen.get(), backend)));
        pipeline.remove(this);
        pipeline.remove(HttpObjectAggregator.class);
        // removing the codec hands any bytes the client sent after its request on to the SPDY decoder
        pipeline.remove(HttpServerCodec.class);
        LOG.fine(StreamBackend.sessionName(target) + ": SPDY/3.1 " + chosen.get() + " from "
                + ctx.channel().remoteAddress());
    }

    /** The stream handling of a target, for SPDY carried over TCP or over a WebSocket. */
    static SpdyStreamListener listener(Channel channel, StreamTarget target, String protocol, StreamBackend backend) {
        String name = StreamBackend.sessionName(target);
        if (target instanceof StreamTarget.PortForward forward) {
            return new SpdyPortForwardListener(name, channel, backend.portDialer(forward), backend.dials());
        }
        Set<String> required = new LinkedHashSet<>(List.of("error"));
        List<String> command = List.of();
        if (target instanceof StreamTarget.Exec exec) {
            command = exec.cmd();
            addStdio(required, exec.tty(), exec.stdin(), exec.stdout(), exec.stderr());
        } else {
            StreamTarget.Attach attach = (StreamTarget.Attach) target;
            addStdio(required, attach.tty(), attach.stdin(), attach.stdout(), attach.stderr());
        }
        return new SpdyProcessListener(new SpdyProcessListener.Plan(name, protocol, required, command,
                target instanceof StreamTarget.Exec, backend.opener(target)), channel);
    }

    private static void addStdio(Set<String> required, boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        if (stdin) {
            required.add("stdin");
        }
        if (stdout) {
            required.add("stdout");
        }
        // a terminal merges stderr into stdout, so clients open no stderr stream with a tty
        if (stderr && !tty) {
            required.add("stderr");
        }
    }

    /** Protocol headers may repeat and may each hold a comma-separated list. */
    static List<String> offeredProtocols(List<String> headerValues) {
        List<String> offered = new ArrayList<>();
        for (String value : headerValues) {
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    offered.add(item.trim());
                }
            }
        }
        return offered;
    }

    static void reply(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(message, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("streaming request from " + ctx.channel().remoteAddress() + " failed: " + cause.getMessage());
        ctx.close();
    }
}
