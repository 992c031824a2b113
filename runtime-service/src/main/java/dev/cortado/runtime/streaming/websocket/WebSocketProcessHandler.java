package dev.cortado.runtime.streaming.websocket;

import dev.cortado.runtime.streaming.ExitStatus;
import dev.cortado.runtime.streaming.OutputSink;
import dev.cortado.runtime.streaming.ProcessSession;
import dev.cortado.runtime.streaming.StreamProtocols;
import dev.cortado.runtime.streaming.TerminalSize;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.util.List;
import java.util.logging.Logger;

/**
 * Exec or attach over WebSocket: the channels need no set-up, so the session starts with the
 * connection; stdin and resize arrive as messages, output leaves as messages, and the exit status
 * is the last message (on the error channel) before the close.
 */
public final class WebSocketProcessHandler extends SimpleChannelInboundHandler<WebSocketFrame> implements OutputSink {

    private static final Logger LOG = Logger.getLogger(WebSocketProcessHandler.class.getName());

    private final String name;
    private final String protocol;
    private final List<String> command;
    private final boolean reportsExitCode;
    private final ProcessSession.Opener opener;
    private final ChannelFraming framing;
    private ProcessSession session;
    private volatile Channel channel;

    /** @param reportsExitCode exec: the exit code is the result; attach: only the end */
    public WebSocketProcessHandler(String name, String protocol, List<String> command, boolean reportsExitCode,
                                   ProcessSession.Opener opener) {
        this.reportsExitCode = reportsExitCode;
        this.name = name;
        this.protocol = protocol;
        this.command = command;
        this.opener = opener;
        this.framing = new ChannelFraming(protocol);
    }

    /** Starts the session; call once the handshake is done and this handler is in the pipeline. */
    public void start(Channel connection) {
        this.channel = connection;
        session = new ProcessSession(name, this, reportsExitCode);
        session.start(opener);
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
        if (message == null || session == null) {
            return;
        }
        if (message.channel() == ChannelFraming.STDIN) {
            session.stdin(message.data());
        } else if (message.channel() == ChannelFraming.RESIZE) {
            try {
                session.resize(TerminalSize.parse(message.data()));
            } catch (IOException e) {
                LOG.info(name + ": " + e.getMessage());
            }
        } else if (message.channel() == ChannelFraming.CLOSE && message.data().length > 0
                && message.data()[0] == ChannelFraming.STDIN && protocol.startsWith("v5.")) {
            session.closeStdin();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session != null) {
            session.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info(name + ": connection failed: " + cause.getMessage());
        ctx.close();
    }

    @Override
    public void stdout(byte[] data) {
        send(ChannelFraming.STDOUT, data);
    }

    @Override
    public void stderr(byte[] data) {
        send(ChannelFraming.STDERR, data);
    }

    private ChannelFuture send(int channelNumber, byte[] data) {
        ChannelFuture written = channel.writeAndFlush(framing.frame(channelNumber, data));
        if (!channel.isWritable()) {
            written.awaitUninterruptibly();
        }
        return written;
    }

    @Override
    public void finish(ExitStatus status) {
        byte[] report = StreamProtocols.statusDocuments(protocol) ? status.statusDocument(command)
                : status.plainMessage();
        if (report.length > 0) {
            send(ChannelFraming.ERROR, report);
        }
        channel.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
    }
}
