package dev.cortado.runtime.streaming.websocket;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/** WebSocket control frames, answered the same way by every streaming handler. */
final class ControlFrames {

    private ControlFrames() {
    }

    /**
     * Answers a close (close back, then hang up) or a ping (pong), ignores a pong; returns whether
     * {@code frame} was one of those, so that the caller handles only data frames.
     */
    static boolean answer(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof CloseWebSocketFrame) {
            ctx.writeAndFlush(new CloseWebSocketFrame()).addListener(ChannelFutureListener.CLOSE);
            return true;
        }
        if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            return true;
        }
        return frame instanceof PongWebSocketFrame;
    }
}
