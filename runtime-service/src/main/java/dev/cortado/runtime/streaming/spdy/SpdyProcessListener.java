package dev.cortado.runtime.streaming.spdy;

import dev.cortado.runtime.streaming.ExitStatus;
import dev.cortado.runtime.streaming.OutputSink;
import dev.cortado.runtime.streaming.ProcessSession;
import dev.cortado.runtime.streaming.StreamProtocols;
import dev.cortado.runtime.streaming.TerminalSize;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Exec or attach over SPDY: waits for the client to open the streams the request needs (error
 * always; stdin, stdout, stderr as asked; resize whenever it comes), then runs the session and
 * carries its output back; the exit status goes on the error stream and ends the connection.
 */
public final class SpdyProcessListener implements SpdyStreamListener, OutputSink {

    private static final Logger LOG = Logger.getLogger(SpdyProcessListener.class.getName());

    /** How this listener's session is opened once the streams are in place. */
    public record Plan(String name, String protocol, Set<String> requiredStreams, List<String> command,
                       boolean reportsExitCode, ProcessSession.Opener opener) {
    }

    private final Plan plan;
    private final Channel channel;
    private final Map<String, SpdyStream> streams = new ConcurrentHashMap<>();
    private final List<byte[]> earlyStdin = new ArrayList<>();
    private final TerminalSize.Reader resizes = new TerminalSize.Reader();
    private boolean earlyStdinClosed;
    private TerminalSize earlySize;
    private ProcessSession session;
    private volatile int lastStreamId;

    public SpdyProcessListener(Plan plan, Channel channel) {
        this.plan = plan;
        this.channel = channel;
        channel.eventLoop().schedule(() -> {
            if (session == null && channel.isActive()) {
                LOG.info(plan.name() + ": the client opened " + streams.keySet() + " of " + plan.requiredStreams()
                        + " within " + StreamProtocols.SETUP_TIMEOUT.toSeconds() + " s; closing");
                channel.close();
            }
        }, StreamProtocols.SETUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void opened(SpdyStream stream) {
        lastStreamId = Math.max(lastStreamId, stream.id());
        String type = stream.type();
        if (streams.containsKey(type) || !(plan.requiredStreams().contains(type) || type.equals("resize"))) {
            LOG.fine(plan.name() + ": refusing an unexpected " + type + " stream");
            stream.reset();
            return;
        }
        streams.put(type, stream);
        if (session == null && streams.keySet().containsAll(plan.requiredStreams())) {
            session = new ProcessSession(plan.name(), this, plan.reportsExitCode());
            session.start(plan.opener());
            if (earlySize != null) {
                session.resize(earlySize);
            }
            earlyStdin.forEach(session::stdin);
            if (earlyStdinClosed) {
                session.closeStdin();
            }
        }
    }

    @Override
    public void data(SpdyStream stream, byte[] data) {
        if (stream.type().equals("stdin")) {
            if (session == null) {
                earlyStdin.add(data);
            } else {
                session.stdin(data);
            }
        } else if (stream.type().equals("resize")) {
            try {
                for (TerminalSize size : resizes.feed(data)) {
                    if (session != null) {
                        session.resize(size);
                    } else {
                        earlySize = size;
                    }
                }
            } catch (IOException e) {
                LOG.info(plan.name() + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void remoteClosed(SpdyStream stream) {
        if (stream.type().equals("stdin")) {
            if (session == null) {
                earlyStdinClosed = true;
            } else {
                session.closeStdin();
            }
        }
    }

    @Override
    public void reset(SpdyStream stream) {
        remoteClosed(stream);
    }

    @Override
    public void connectionClosed() {
        if (session != null) {
            session.close();
        }
    }

    @Override
    public void stdout(byte[] data) {
        SpdyStream stream = streams.get("stdout");
        if (stream != null) {
            stream.write(data);
        }
    }

    @Override
    public void stderr(byte[] data) {
        SpdyStream stream = streams.get("stderr");
        if (stream != null) {
            stream.write(data);
        }
    }

    @Override
    public void finish(ExitStatus status) {
        for (String type : List.of("stdout", "stderr")) {
            SpdyStream stream = streams.get(type);
            if (stream != null) {
                stream.close();
            }
        }
        SpdyStream error = streams.get("error");
        byte[] report = StreamProtocols.statusDocuments(plan.protocol()) ? status.statusDocument(plan.command())
                : status.plainMessage();
        if (error != null) {
            if (report.length > 0) {
                error.write(report);
            }
            error.close();
        }
        channel.writeAndFlush(new SpdyFrame.GoAway(lastStreamId, 0)).addListener(ChannelFutureListener.CLOSE);
    }
}
