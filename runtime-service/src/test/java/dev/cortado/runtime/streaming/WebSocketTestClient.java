package dev.cortado.runtime.streaming;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** A minimal RFC 6455 client for the tests: masked frames out, whole messages in. */
public final class WebSocketTestClient implements AutoCloseable {

    public static final int TEXT = 1;
    public static final int BINARY = 2;
    public static final int CLOSE = 8;

    /** One received message (fragments joined); null payload never. */
    public record Message(int opcode, byte[] payload) {
    }

    private final Socket socket;
    private final String protocol;
    private final DataInputStream in;
    private final OutputStream out;
    private final SecureRandom random = new SecureRandom();

    private WebSocketTestClient(Socket socket, String protocol) throws IOException {
        this.socket = socket;
        this.protocol = protocol;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects, offering the subprotocols in order; fails unless the server switches protocols. */
    public static WebSocketTestClient connect(String url, String... protocols) throws IOException {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        HttpUpgrade.Response response = HttpUpgrade.request(url, Map.of(
                "Connection", List.of("Upgrade"),
                "Upgrade", List.of("websocket"),
                "Sec-WebSocket-Version", List.of("13"),
                "Sec-WebSocket-Key", List.of(Base64.getEncoder().encodeToString(nonce)),
                "Sec-WebSocket-Protocol", List.of(String.join(", ", protocols))));
        if (response.status() != 101) {
            response.socket().close();
            throw new IOException("WebSocket upgrade answered " + response.status() + ": " + response.body());
        }
        return new WebSocketTestClient(response.socket(), response.headers().getOrDefault("sec-websocket-protocol",
                ""));
    }

    public String protocol() {
        return protocol;
    }

    public synchronized void send(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        random.nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** The next data or close message (pings are answered); null when the connection ended. */
    public Message read() throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int messageOpcode = -1;
        while (true) {
            int first;
            try {
                first = in.readUnsignedByte();
            } catch (EOFException e) {
                return null;
            }
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            int opcode = first & 0x0f;
            if (opcode == 9) {
                send(10, payload);
                continue;
            }
            if (opcode == 10) {
                continue;
            }
            if (opcode != 0) {
                messageOpcode = opcode;
            }
            message.writeBytes(payload);
            if ((first & 0x80) != 0) {
                return new Message(messageOpcode, message.toByteArray());
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
