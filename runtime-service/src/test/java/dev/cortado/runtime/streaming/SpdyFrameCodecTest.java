package dev.cortado.runtime.streaming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.runtime.streaming.spdy.SpdyFrame;
import dev.cortado.runtime.streaming.spdy.SpdyFrameCodec;
import dev.cortado.runtime.streaming.spdy.SpdyProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Our SPDY/3.1 framing against itself (every frame type, header blocks sharing one zlib stream)
 * and against an independent implementation (netty's SPDY codec) in both directions, which
 * catches a wrong dictionary or framing that a round trip through one codec would hide.
 */
class SpdyFrameCodecTest {

    private static List<SpdyFrame> roundTrip(List<SpdyFrame> frames) throws SpdyProtocolException {
        try (SpdyFrameCodec writer = new SpdyFrameCodec(); SpdyFrameCodec reader = new SpdyFrameCodec()) {
            ByteBuf wire = Unpooled.buffer();
            for (SpdyFrame frame : frames) {
                writer.encode(frame, wire);
            }
            List<SpdyFrame> decoded = new java.util.ArrayList<>();
            SpdyFrame frame;
            while ((frame = reader.decode(wire)) != null) {
                decoded.add(frame);
            }
            assertEquals(0, wire.readableBytes(), "every byte belongs to a frame");
            wire.release();
            return decoded;
        }
    }

    @Test
    void everyFrameTypeSurvivesARoundTrip() throws Exception {
        Map<String, String> first = Map.of("streamtype", "error", "port", "8080", "requestid", "0");
        Map<String, String> second = Map.of("streamtype", "data", "port", "8080", "requestid", "0");
        List<SpdyFrame> frames = List.of(
                new SpdyFrame.SynStream(1, 0, 3, false, false, first),
                new SpdyFrame.SynStream(3, 0, 0, true, true, second),
                new SpdyFrame.SynReply(1, false, Map.of()),
                new SpdyFrame.Headers(3, true, Map.of("x", "y")),
                new SpdyFrame.Settings(Map.of(7, 65536, 4, 100)),
                new SpdyFrame.Ping(42),
                new SpdyFrame.WindowUpdate(3, 1000),
                new SpdyFrame.RstStream(5, SpdyFrame.RstStream.CANCEL),
                new SpdyFrame.GoAway(7, 0));
        List<SpdyFrame> decoded = roundTrip(frames);
        assertEquals(frames.size(), decoded.size());
        for (int i = 0; i < frames.size(); i++) {
            assertEquals(frames.get(i), decoded.get(i), "frame " + i);
        }
        SpdyFrame.Data data = (SpdyFrame.Data) roundTrip(List.of(
                new SpdyFrame.Data(9, true, "hello".getBytes(StandardCharsets.UTF_8)))).get(0);
        assertEquals(9, data.streamId());
        assertTrue(data.fin());
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), data.data());
    }

    @Test
    void partialFramesWaitForTheirRest() throws Exception {
        try (SpdyFrameCodec writer = new SpdyFrameCodec(); SpdyFrameCodec reader = new SpdyFrameCodec()) {
            ByteBuf whole = Unpooled.buffer();
            writer.encode(new SpdyFrame.Data(1, false, new byte[100]), whole);
            ByteBuf part = Unpooled.buffer();
            part.writeBytes(whole, 50);
            assertNull(reader.decode(part));
            assertEquals(50, part.readableBytes(), "nothing is consumed until the frame is whole");
            part.writeBytes(whole);
            assertEquals(100, ((SpdyFrame.Data) reader.decode(part)).data().length);
            whole.release();
            part.release();
        }
    }

    @Test
    void otherVersionsAndHugeFramesAreRefused() {
        try (SpdyFrameCodec reader = new SpdyFrameCodec()) {
            ByteBuf v2 = Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 2, 0, 6, 0, 0, 0, 4, 0, 0, 0, 1});
            assertTrue(assertThrows(SpdyProtocolException.class, () -> reader.decode(v2)).getMessage()
                    .contains("version 2"));
            ByteBuf huge = Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff});
            assertThrows(SpdyProtocolException.class, () -> reader.decode(huge));
        }
    }

    @Test
    void nettysSpdyDecoderReadsOurFrames() throws Exception {
        EmbeddedChannel netty = new EmbeddedChannel(new io.netty.handler.codec.spdy.SpdyFrameCodec(
                SpdyVersion.SPDY_3_1));
        try (SpdyFrameCodec ours = new SpdyFrameCodec()) {
            ByteBuf wire = Unpooled.buffer();
            ours.encode(new SpdyFrame.SynStream(1, 0, 0, false, false, Map.of("streamtype", "stdout")), wire);
            ours.encode(new SpdyFrame.SynStream(3, 0, 0, false, false, Map.of("streamtype", "resize")), wire);
            ours.encode(new SpdyFrame.Data(1, true, new byte[] {1, 2, 3}), wire);
            netty.writeInbound(wire);
            SpdySynStreamFrame first = assertInstanceOf(SpdySynStreamFrame.class, netty.readInbound());
            assertEquals("stdout", first.headers().getAsString("streamtype"));
            SpdySynStreamFrame second = assertInstanceOf(SpdySynStreamFrame.class, netty.readInbound());
            assertEquals(3, second.streamId());
            assertEquals("resize", second.headers().getAsString("streamtype"));
            SpdyDataFrame data = assertInstanceOf(SpdyDataFrame.class, netty.readInbound());
            assertTrue(data.isLast());
            assertArrayEquals(new byte[] {1, 2, 3}, ByteBufUtil.getBytes(data.content()));
            data.release();
        } finally {
            netty.finishAndReleaseAll();
        }
    }

    @Test
    void weReadNettysFrames() throws Exception {
        EmbeddedChannel netty = new EmbeddedChannel(new io.netty.handler.codec.spdy.SpdyFrameCodec(
                SpdyVersion.SPDY_3_1));
        try (SpdyFrameCodec ours = new SpdyFrameCodec()) {
            for (int id = 1; id <= 5; id += 2) {
                SpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
                syn.headers().set("streamtype", "stdin").set("requestid", Integer.toString(id));
                netty.writeOutbound(syn);
            }
            netty.writeOutbound(new DefaultSpdyDataFrame(5, Unpooled.wrappedBuffer(new byte[] {9})).setLast(true));
            ByteBuf wire = Unpooled.buffer();
            ByteBuf piece;
            while ((piece = netty.readOutbound()) != null) {
                wire.writeBytes(piece);
                piece.release();
            }
            for (int id = 1; id <= 5; id += 2) {
                SpdyFrame.SynStream syn = (SpdyFrame.SynStream) ours.decode(wire);
                assertEquals(id, syn.streamId());
                assertEquals(Map.of("streamtype", "stdin", "requestid", Integer.toString(id)), syn.headers());
            }
            SpdyFrame.Data data = (SpdyFrame.Data) ours.decode(wire);
            assertTrue(data.fin());
            assertArrayEquals(new byte[] {9}, data.data());
            wire.release();
        } finally {
            netty.finishAndReleaseAll();
        }
    }

    @Test
    void synRepliesWeSendAreReadByNetty() throws Exception {
        EmbeddedChannel netty = new EmbeddedChannel(new io.netty.handler.codec.spdy.SpdyFrameCodec(
                SpdyVersion.SPDY_3_1));
        try (SpdyFrameCodec ours = new SpdyFrameCodec()) {
            ByteBuf wire = Unpooled.buffer();
            ours.encode(new SpdyFrame.SynReply(1, false, Map.of()), wire);
            ours.encode(new SpdyFrame.SynReply(3, false, Map.of("a", "b")), wire);
            netty.writeInbound(wire);
            assertEquals(1, assertInstanceOf(SpdySynReplyFrame.class, netty.readInbound()).streamId());
            SpdySynReplyFrame second = assertInstanceOf(SpdySynReplyFrame.class, netty.readInbound());
            assertEquals("b", second.headers().getAsString("a"));
        } finally {
            netty.finishAndReleaseAll();
        }
    }
}
