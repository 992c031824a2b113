package dev.cortado.runtime.streaming.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Carries a SPDY byte stream in WebSocket binary messages (subprotocol
 * {@code SPDY/3.1+portforward.k8s.io}): inbound messages become plain bytes for the SPDY
 * decoder, and the SPDY encoder's bytes leave as binary messages. Message boundaries mean nothing.
 */
public final class SpdyOverWebSocket extends ChannelDuplexHandler {

    public static final String PROTOCOL = "SPDY/3.1+portforward.k8s.io";

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!ControlFrames.answer(ctx, frame)
                && (frame instanceof BinaryWebSocketFrame || frame instanceof TextWebSocketFrame)) {
            ctx.fireChannelRead(frame.content().retain());
        }
        frame.release();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes) {
            ctx.write(new BinaryWebSocketFrame(bytes), promise);
        } else {
            ctx.write(msg, promise);
        }
    }
}
