package dev.cortado.runtime.streaming.spdy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The server end of a SPDY/3.1 connection after the HTTP upgrade: accepts the streams the client
 * opens (the streaming protocols never open streams from the server), answers pings, and hands
 * stream events to the listener.
 */
public final class SpdyConnection extends SimpleChannelInboundHandler<SpdyFrame> {

    private static final Logger LOG = Logger.getLogger(SpdyConnection.class.getName());

    private final SpdyStreamListener listener;
    private final Map<Integer, SpdyStream> streams = new HashMap<>();
    private int lastStreamId;

    public SpdyConnection(SpdyStreamListener listener) {
        this.listener = listener;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, SpdyFrame frame) {
        if (frame instanceof SpdyFrame.SynStream syn) {
            if (syn.streamId() <= lastStreamId || syn.streamId() % 2 == 0) {
                ctx.writeAndFlush(new SpdyFrame.RstStream(syn.streamId(), SpdyFrame.RstStream.PROTOCOL_ERROR));
                return;
            }
            lastStreamId = syn.streamId();
            SpdyStream stream = new SpdyStream(syn.streamId(), syn.headers(), ctx.channel());
            streams.put(syn.streamId(), stream);
            ctx.writeAndFlush(new SpdyFrame.SynReply(syn.streamId(), false, Map.of()));
            listener.opened(stream);
            if (syn.fin()) {
                listener.remoteClosed(stream);
            }
        } else if (frame instanceof SpdyFrame.Data data) {
            SpdyStream stream = streams.get(data.streamId());
            if (stream == null) {
                ctx.writeAndFlush(new SpdyFrame.RstStream(data.streamId(), SpdyFrame.RstStream.INVALID_STREAM));
                return;
            }
            if (data.data().length > 0) {
                listener.data(stream, data.data());
            }
            if (data.fin()) {
                listener.remoteClosed(stream);
                if (stream.closedByUs()) {
                    streams.remove(data.streamId());
                }
            }
        } else if (frame instanceof SpdyFrame.RstStream rst) {
            SpdyStream stream = streams.remove(rst.streamId());
            if (stream != null) {
                listener.reset(stream);
            }
        } else if (frame instanceof SpdyFrame.Ping ping) {
            ctx.writeAndFlush(ping);
        } else if (frame instanceof SpdyFrame.GoAway) {
            ctx.close();
        }
        // SETTINGS, WINDOW_UPDATE, HEADERS: the streaming peers need nothing from them.
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        listener.writable(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        listener.connectionClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warning("streaming connection from " + ctx.channel().remoteAddress() + " failed: " + cause.getMessage());
        ctx.close();
    }
}
