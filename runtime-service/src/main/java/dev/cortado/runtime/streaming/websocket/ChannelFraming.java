package dev.cortado.runtime.streaming.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The kubelet's WebSocket channel framing: every message starts with its channel number, as a
 * byte in binary messages or as an ASCII digit in the base64 protocols' text messages (whose
 * payload is base64).
 */
public final class ChannelFraming {

    public static final List<String> PROCESS_PROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io",
            "v4.base64.channel.k8s.io", "channel.k8s.io", "base64.channel.k8s.io");
    public static final List<String> PORT_FORWARD_PROTOCOLS = List.of("v4.channel.k8s.io",
            "v4.base64.channel.k8s.io", "portforward.k8s.io", "base64.portforward.k8s.io");

    public static final int STDIN = 0;
    public static final int STDOUT = 1;
    public static final int STDERR = 2;
    public static final int ERROR = 3;
    public static final int RESIZE = 4;
    /** v5: a message [255, n] says the client will send nothing more on channel n. */
    public static final int CLOSE = 255;

    /** One received message. */
    public record Message(int channel, byte[] data) {
    }

    private final boolean base64;

    public ChannelFraming(String protocol) {
        this.base64 = protocol.contains("base64");
    }

    public WebSocketFrame frame(int channel, byte[] data) {
        if (base64) {
            String text = (char) ('0' + channel) + Base64.getEncoder().encodeToString(data);
            return new TextWebSocketFrame(text);
        }
        ByteBuf buf = Unpooled.buffer(1 + data.length);
        buf.writeByte(channel);
        buf.writeBytes(data);
        return new BinaryWebSocketFrame(buf);
    }

    /** The message a data frame carries, or null for an empty one. */
    public Message read(WebSocketFrame frame) throws IllegalArgumentException {
        byte[] bytes = ByteBufUtil.getBytes(frame.content());
        if (bytes.length == 0) {
            return null;
        }
        if (base64 && frame instanceof TextWebSocketFrame) {
            int channel = bytes[0] - '0';
            if (channel < 0 || channel > 9) {
                throw new IllegalArgumentException("a base64 message starts with \"" + (char) bytes[0]
                        + "\", not a channel digit");
            }
            return new Message(channel, Base64.getDecoder().decode(
                    new String(bytes, 1, bytes.length - 1, StandardCharsets.US_ASCII)));
        }
        byte[] data = new byte[bytes.length - 1];
        System.arraycopy(bytes, 1, data, 0, data.length);
        return new Message(bytes[0] & 0xff, data);
    }
}
