package dev.cortado.runtime.streaming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.runtime.streaming.websocket.ChannelFraming;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.zip.Adler32;
import org.junit.jupiter.api.Test;

/** Tokens, protocol negotiation, status documents, resize parsing and WebSocket channel framing. */
class StreamingUnitsTest {

    /** A clock the test moves. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final StreamTarget EXEC = new StreamTarget.Exec("c1", List.of("true"), false, false, true, true);

    @Test
    void tokensAreSingleUseAndOfTheirKind() {
        StreamTokens tokens = new StreamTokens(new ManualClock(), 10);
        String token = tokens.issue(EXEC).orElseThrow();
        assertTrue(token.matches("[A-Za-z0-9_-]{32}"), token);
        assertEquals(Optional.empty(), tokens.take("attach", token), "an exec token does not open an attach URL");
        assertEquals(Optional.of(EXEC), tokens.take("exec", token));
        assertEquals(Optional.empty(), tokens.take("exec", token), "spent");
        assertFalse(tokens.issue(EXEC).orElseThrow().equals(token));
    }

    @Test
    void tokensExpireAfterAMinute() {
        ManualClock clock = new ManualClock();
        StreamTokens tokens = new StreamTokens(clock, 10);
        String early = tokens.issue(EXEC).orElseThrow();
        clock.advance(Duration.ofSeconds(59));
        String late = tokens.issue(EXEC).orElseThrow();
        clock.advance(Duration.ofSeconds(2));
        assertEquals(Optional.empty(), tokens.take("exec", early));
        assertEquals(Optional.of(EXEC), tokens.take("exec", late));
    }

    @Test
    void outstandingTokensAreBounded() {
        ManualClock clock = new ManualClock();
        StreamTokens tokens = new StreamTokens(clock, 3);
        for (int i = 0; i < 3; i++) {
            assertTrue(tokens.issue(EXEC).isPresent());
        }
        assertEquals(Optional.empty(), tokens.issue(EXEC));
        clock.advance(StreamTokens.TTL.plusSeconds(1));
        assertTrue(tokens.issue(EXEC).isPresent(), "expired tokens make room");
        assertEquals(1, tokens.outstanding());
    }

    @Test
    void theClientsOrderWinsTheNegotiation() {
        assertEquals(Optional.of(StreamProtocols.V3), StreamProtocols.negotiate(
                List.of("v9.channel.k8s.io", StreamProtocols.V3, StreamProtocols.V4), StreamProtocols.SPDY_EXEC));
        assertEquals(Optional.empty(), StreamProtocols.negotiate(List.of("v9"), StreamProtocols.SPDY_EXEC));
        assertEquals(Optional.of(StreamProtocols.V1), StreamProtocols.negotiate(List.of(),
                StreamProtocols.SPDY_EXEC));
    }

    @Test
    void exitStatusDocumentsAreKubernetesStatuses() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode ok = json.readTree(ExitStatus.exited(0).statusDocument(List.of("true")));
        assertEquals("Success", ok.path("status").asText());
        assertTrue(ok.has("metadata"));
        JsonNode failed = json.readTree(ExitStatus.exited(3).statusDocument(List.of("false")));
        assertEquals("Failure", failed.path("status").asText());
        assertEquals("NonZeroExitCode", failed.path("reason").asText());
        assertEquals("ExitCode", failed.path("details").path("causes").get(0).path("reason").asText());
        assertEquals("3", failed.path("details").path("causes").get(0).path("message").asText());
        assertEquals(0, ExitStatus.exited(0).plainMessage().length);
        assertTrue(new String(ExitStatus.exited(3).plainMessage(), StandardCharsets.UTF_8).contains("3"));
    }

    @Test
    void resizeDocumentsAreReassembledFromAByteStream() throws Exception {
        TerminalSize.Reader reader = new TerminalSize.Reader();
        assertEquals(List.of(), reader.feed("{\"Width\":80,".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of(new TerminalSize(80, 24), new TerminalSize(100, 40)),
                reader.feed("\"Height\":24}\n{\"Width\":100,\"Height\":40}\n".getBytes(StandardCharsets.UTF_8)));
        assertThrows(java.io.IOException.class, () -> TerminalSize.parse("{\"Width\":-1}".getBytes()));
    }

    @Test
    void channelFramingBinaryAndBase64() {
        ChannelFraming binary = new ChannelFraming("v4.channel.k8s.io");
        WebSocketFrame frame = binary.frame(2, new byte[] {7, 8});
        assertTrue(frame instanceof BinaryWebSocketFrame);
        ChannelFraming.Message back = binary.read(frame);
        assertEquals(2, back.channel());
        assertArrayEquals(new byte[] {7, 8}, back.data());
        frame.release();

        ChannelFraming base64 = new ChannelFraming("v4.base64.channel.k8s.io");
        WebSocketFrame text = base64.frame(1, "hi".getBytes(StandardCharsets.UTF_8));
        assertEquals("1aGk=", ((TextWebSocketFrame) text).text());
        ChannelFraming.Message decoded = base64.read(text);
        assertEquals(1, decoded.channel());
        assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), decoded.data());
        text.release();
    }

    @Test
    void theHeaderDictionaryIsTheSpecs() throws Exception {
        var bytes = Class.forName("dev.cortado.runtime.streaming.spdy.SpdyDictionary").getDeclaredMethod("bytes");
        bytes.setAccessible(true);
        byte[] dictionary = (byte[]) bytes.invoke(null);
        Adler32 adler = new Adler32();
        adler.update(dictionary);
        assertEquals(1423, dictionary.length);
        assertEquals(0xe3c6a7c2L, adler.getValue(), "the zlib dictionary id peers check");
    }
}
