package dev.cortado.runtime.streaming.spdy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import java.util.List;

/** The netty ends of one connection's {@link SpdyFrameCodec}: bytes in to frames, frames out to bytes. */
public final class SpdyFrameHandlers {

    private SpdyFrameHandlers() {
    }

    public static final class Decoder extends ByteToMessageDecoder {
        private final SpdyFrameCodec codec;

        public Decoder(SpdyFrameCodec codec) {
            this.codec = codec;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            while (in.isReadable()) {
                int before = in.readableBytes();
                SpdyFrame frame = codec.decode(in);
                if (frame != null) {
                    out.add(frame);
                } else if (in.readableBytes() == before) {
                    return;
                }
            }
        }

        @Override
        protected void handlerRemoved0(ChannelHandlerContext ctx) {
            codec.close();
        }
    }

    public static final class Encoder extends MessageToByteEncoder<SpdyFrame> {
        private final SpdyFrameCodec codec;

        public Encoder(SpdyFrameCodec codec) {
            super(SpdyFrame.class);
            this.codec = codec;
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, SpdyFrame frame, ByteBuf out) {
            codec.encode(frame, out);
        }
    }
}
