package dev.cortado.runtime.streaming;

import dev.cortado.runtime.streaming.spdy.SpdyFrame;
import dev.cortado.runtime.streaming.spdy.SpdyFrameCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The client end of a SPDY/3.1 streaming connection, as kubectl and crictl drive it: it opens
 * the streams, writes their data, and collects what the server sends per stream. Carried over a
 * plain socket after an HTTP upgrade, or inside WebSocket binary messages.
 */
public final class SpdyTestClient implements AutoCloseable {

    /** Bytes in and out, whatever carries them. */
    private interface Transport extends AutoCloseable {
        void write(byte[] bytes) throws IOException;

        /** The next bytes, or null at the end. */
        byte[] read() throws IOException;

        @Override
        void close() throws IOException;
    }

    private final Transport transport;
    private final String protocol;
    private final SpdyFrameCodec codec = new SpdyFrameCodec();
    private final Map<Integer, ByteArrayOutputStream> received = new HashMap<>();
    private final Set<Integer> finished = new HashSet<>();
    private final Set<Integer> replied = new HashSet<>();
    private final Set<Integer> reset = new HashSet<>();
    private boolean ended;
    private boolean goAway;
    private int nextId = 1;
    private final Thread reader;

    private SpdyTestClient(Transport transport, String protocol) {
        this.transport = transport;
        this.protocol = protocol;
        this.reader = new Thread(this::readLoop, "spdy-test-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** Upgrades to SPDY/3.1 offering the protocols in order; fails unless the server switches. */
    public static SpdyTestClient connect(String url, String... protocols) throws IOException {
        HttpUpgrade.Response response = HttpUpgrade.request(url, Map.of(
                "Connection", List.of("Upgrade"),
                "Upgrade", List.of("SPDY/3.1"),
                "X-Stream-Protocol-Version", List.of(protocols)));
        if (response.status() != 101) {
            response.socket().close();
            throw new IOException("SPDY upgrade answered " + response.status() + ": " + response.body());
        }
        Socket socket = response.socket();
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        return new SpdyTestClient(new Transport() {
            @Override
            public void write(byte[] bytes) throws IOException {
                out.write(bytes);
                out.flush();
            }

            @Override
            public byte[] read() throws IOException {
                byte[] buffer = new byte[16384];
                int n = in.read(buffer);
                return n < 0 ? null : java.util.Arrays.copyOf(buffer, n);
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        }, response.headers().getOrDefault("x-stream-protocol-version", ""));
    }

    /** SPDY inside WebSocket binary messages (subprotocol SPDY/3.1+portforward.k8s.io). */
    public static SpdyTestClient overWebSocket(String url) throws IOException {
        WebSocketTestClient ws = WebSocketTestClient.connect(url, "SPDY/3.1+portforward.k8s.io");
        return new SpdyTestClient(new Transport() {
            @Override
            public void write(byte[] bytes) throws IOException {
                ws.send(WebSocketTestClient.BINARY, bytes);
            }

            @Override
            public byte[] read() throws IOException {
                WebSocketTestClient.Message message = ws.read();
                return message == null || message.opcode() == WebSocketTestClient.CLOSE ? null : message.payload();
            }

            @Override
            public void close() throws IOException {
                ws.close();
            }
        }, ws.protocol());
    }

    public String protocol() {
        return protocol;
    }

    private void readLoop() {
        ByteBuf pending = Unpooled.buffer();
        try {
            byte[] bytes;
            while ((bytes = transport.read()) != null) {
                pending.writeBytes(bytes);
                while (pending.isReadable()) {
                    int before = pending.readableBytes();
                    SpdyFrame frame = codec.decode(pending);
                    if (frame != null) {
                        handle(frame);
                    } else if (pending.readableBytes() == before) {
                        break;
                    }
                }
                pending.discardReadBytes();
            }
        } catch (Exception e) {
            // the connection ended; waiting callers see it
        } finally {
            pending.release();
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    private synchronized void handle(SpdyFrame frame) {
        if (frame instanceof SpdyFrame.Data data) {
            received.computeIfAbsent(data.streamId(), id -> new ByteArrayOutputStream()).writeBytes(data.data());
            if (data.fin()) {
                finished.add(data.streamId());
            }
        } else if (frame instanceof SpdyFrame.SynReply reply) {
            replied.add(reply.streamId());
            if (reply.fin()) {
                finished.add(reply.streamId());
            }
        } else if (frame instanceof SpdyFrame.RstStream rst) {
            reset.add(rst.streamId());
        } else if (frame instanceof SpdyFrame.GoAway) {
            goAway = true;
        }
        notifyAll();
    }

    /** Opens a stream with these headers and waits for the server to accept it. */
    public int open(Map<String, String> headers) throws IOException, InterruptedException {
        int id;
        synchronized (this) {
            id = nextId;
            nextId += 2;
        }
        write(new SpdyFrame.SynStream(id, 0, 0, false, false, headers));
        awaitTrue(() -> replied.contains(id) || reset.contains(id), Duration.ofSeconds(10), "SYN_REPLY of " + id);
        return id;
    }

    public void send(int streamId, byte[] data, boolean fin) throws IOException {
        write(new SpdyFrame.Data(streamId, fin, data));
    }

    private synchronized void write(SpdyFrame frame) throws IOException {
        ByteBuf out = Unpooled.buffer();
        try {
            codec.encode(frame, out);
            transport.write(ByteBufUtil.getBytes(out));
        } finally {
            out.release();
        }
    }

    /** All the server sent on the stream once it finished it (FIN or reset, or the connection ended). */
    public byte[] awaitFinished(int streamId, Duration timeout) throws InterruptedException {
        awaitTrue(() -> finished.contains(streamId) || reset.contains(streamId) || ended, timeout,
                "end of stream " + streamId);
        return received(streamId);
    }

    /** Waits until the stream's data contains {@code text}; returns all of it. */
    public String awaitText(int streamId, String text, Duration timeout) throws InterruptedException {
        awaitTrue(() -> new String(received(streamId)).contains(text) || ended, timeout,
                "\"" + text + "\" on stream " + streamId);
        return new String(received(streamId));
    }

    public synchronized byte[] received(int streamId) {
        ByteArrayOutputStream data = received.get(streamId);
        return data == null ? new byte[0] : data.toByteArray();
    }

    /** Waits for the server to end the connection; true if it did within the time. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        try {
            awaitTrue(() -> ended, timeout, "end of connection");
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    public synchronized boolean sawGoAway() {
        return goAway;
    }

    public synchronized boolean wasReset(int streamId) {
        return reset.contains(streamId);
    }

    private synchronized void awaitTrue(BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    @Override
    public void close() throws IOException {
        transport.close();
        try {
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        codec.close();
    }
}
