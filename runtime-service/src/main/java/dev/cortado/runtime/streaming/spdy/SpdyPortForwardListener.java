package dev.cortado.runtime.streaming.spdy;

import dev.cortado.runtime.streaming.StreamProtocols;
import dev.cortado.runtime.streaming.portforward.PodConnection;
import dev.cortado.runtime.streaming.portforward.PortDialer;
import io.netty.channel.Channel;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Port-forward over SPDY: the client opens an error and a data stream per request (same
 * {@code requestid}, one {@code port}); each complete pair is dialled into the pod and its bytes
 * copied both ways. Everything but the dial runs on the connection's event loop.
 */
public final class SpdyPortForwardListener implements SpdyStreamListener {

    private static final Logger LOG = Logger.getLogger(SpdyPortForwardListener.class.getName());

    /** One request: its two streams, and the pod connection once dialled. */
    private static final class Pair {
        SpdyStream error;
        SpdyStream data;
        PodConnection pod;
        boolean dialling;
        boolean clientDone;
        boolean gone;
        final List<byte[]> early = new ArrayList<>();
    }

    private final String name;
    private final Channel channel;
    private final PortDialer dialer;
    private final Executor dials;
    private final Map<String, Pair> pairs = new HashMap<>();
    private final Map<Integer, String> requestOfStream = new HashMap<>();
    private boolean anyPair;

    public SpdyPortForwardListener(String name, Channel channel, PortDialer dialer, Executor dials) {
        this.name = name;
        this.channel = channel;
        this.dialer = dialer;
        this.dials = dials;
        channel.eventLoop().schedule(() -> {
            if (!anyPair && channel.isActive()) {
                LOG.info(name + ": no stream pair was opened within " + StreamProtocols.SETUP_TIMEOUT.toSeconds()
                        + " s; closing");
                channel.close();
            }
        }, StreamProtocols.SETUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void opened(SpdyStream stream) {
        String type = stream.type();
        if (!type.equals("data") && !type.equals("error")) {
            stream.reset();
            return;
        }
        // clients before request ids paired the data stream with the error stream opened just before it
        String request = stream.header("requestid");
        if (request.isEmpty()) {
            request = "stream-" + (type.equals("error") ? stream.id() : stream.id() - 2);
        }
        Pair pair = pairs.computeIfAbsent(request, key -> new Pair());
        if (type.equals("error") ? pair.error != null : pair.data != null) {
            stream.reset();
            return;
        }
        requestOfStream.put(stream.id(), request);
        if (type.equals("error")) {
            pair.error = stream;
        } else {
            pair.data = stream;
        }
        if (pair.error != null && pair.data != null) {
            anyPair = true;
            dial(request, pair);
        }
    }

    private void dial(String request, Pair pair) {
        String portHeader = pair.data.header("port");
        int port;
        try {
            port = Integer.parseInt(portHeader);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            fail(request, pair, "invalid port \"" + portHeader + "\" in the data stream's headers");
            return;
        }
        if (!dialer.allowed(port)) {
            fail(request, pair, "port " + port + " was not named in the PortForward request");
            return;
        }
        pair.dialling = true;
        dials.execute(() -> {
            SocketChannel socket;
            try {
                socket = dialer.dial(port);
            } catch (IOException e) {
                channel.eventLoop().execute(() -> fail(request, pair,
                        "error forwarding port " + port + " to " + name + ": " + e.getMessage()));
                return;
            }
            channel.eventLoop().execute(() -> connected(request, pair, socket));
        });
    }

    private void connected(String request, Pair pair, SocketChannel socket) {
        if (pair.gone || !channel.isActive()) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing was sent on it
            }
            return;
        }
        pair.pod = PodConnection.register(socket, channel.eventLoop(), new PodConnection.Peer() {
            @Override
            public void received(byte[] data) {
                pair.data.write(data);
                if (!channel.isWritable()) {
                    pair.pod.reading(false);
                }
            }

            @Override
            public void closed() {
                finish(request, pair);
            }

            @Override
            public void writable(boolean writable) {
                // one slow pod connection holds back the client's whole connection, as one TCP stream must
                channel.config().setAutoRead(writable);
            }
        });
        pair.early.forEach(pair.pod::send);
        pair.early.clear();
        if (pair.clientDone) {
            pair.pod.shutdownOutput();
        }
    }

    private void fail(String request, Pair pair, String message) {
        LOG.info(name + ": " + message);
        pair.error.write(message.getBytes(StandardCharsets.UTF_8));
        finish(request, pair);
    }

    private void finish(String request, Pair pair) {
        if (pair.gone) {
            return;
        }
        pair.gone = true;
        pair.data.close();
        pair.error.close();
        if (pair.pod != null) {
            pair.pod.close();
        }
        forget(request, pair);
    }

    /** A long-lived connection serves many requests; finished ones leave nothing behind. */
    private void forget(String request, Pair pair) {
        pairs.remove(request);
        if (pair.data != null) {
            requestOfStream.remove(pair.data.id());
        }
        if (pair.error != null) {
            requestOfStream.remove(pair.error.id());
        }
    }

    @Override
    public void data(SpdyStream stream, byte[] data) {
        Pair pair = pairOf(stream);
        if (pair == null || stream != pair.data) {
            return;
        }
        if (pair.pod != null) {
            pair.pod.send(data);
        } else {
            pair.early.add(data);
        }
    }

    @Override
    public void remoteClosed(SpdyStream stream) {
        Pair pair = pairOf(stream);
        if (pair != null && stream == pair.data) {
            pair.clientDone = true;
            if (pair.pod != null) {
                pair.pod.shutdownOutput();
            }
        }
    }

    @Override
    public void reset(SpdyStream stream) {
        Pair pair = pairOf(stream);
        if (pair != null) {
            String request = requestOfStream.get(stream.id());
            pair.gone = true;
            if (pair.pod != null) {
                pair.pod.close();
            }
            forget(request, pair);
        }
    }

    @Override
    public void writable(boolean writable) {
        if (writable) {
            for (Pair pair : pairs.values()) {
                if (pair.pod != null) {
                    pair.pod.reading(true);
                }
            }
        }
    }

    private Pair pairOf(SpdyStream stream) {
        String request = requestOfStream.get(stream.id());
        return request == null ? null : pairs.get(request);
    }

    @Override
    public void connectionClosed() {
        for (Pair pair : pairs.values()) {
            pair.gone = true;
            if (pair.pod != null) {
                pair.pod.close();
            }
        }
        pairs.clear();
    }
}
