package dev.cortado.runtime.streaming.spdy;

import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SPDY/3.1 frames to and from bytes, for one connection (each direction keeps its own zlib
 * stream for header blocks, so one codec serves one connection end). Not thread-safe: a
 * connection's frames are read on one thread and written on one thread.
 */
public final class SpdyFrameCodec implements AutoCloseable {

    /** Larger than any frame a streaming peer sends (spdystream writes data in 32 KiB pieces). */
    public static final int MAX_FRAME = 1 << 20;

    private static final int SYN_STREAM = 1;
    private static final int SYN_REPLY = 2;
    private static final int RST_STREAM = 3;
    private static final int SETTINGS = 4;
    private static final int PING = 6;
    private static final int GOAWAY = 7;
    private static final int HEADERS = 8;
    private static final int WINDOW_UPDATE = 9;
    private static final int FLAG_FIN = 1;
    private static final int FLAG_UNIDIRECTIONAL = 2;

    private final HeaderBlockCompressor compressor = new HeaderBlockCompressor();
    private final HeaderBlockDecompressor decompressor = new HeaderBlockDecompressor();

    /**
     * The next whole frame from {@code in}, consuming it; null (consuming nothing) when the
     * buffer does not yet hold one. Frame types this end does not know are skipped and
     * returned as null too, after being consumed, so the caller loops while bytes remain.
     */
    public SpdyFrame decode(ByteBuf in) throws SpdyProtocolException {
        if (in.readableBytes() < 8) {
            return null;
        }
        int start = in.readerIndex();
        int first = in.getInt(start);
        int flags = in.getUnsignedByte(start + 4);
        int length = in.getUnsignedMedium(start + 5);
        if (length > MAX_FRAME) {
            throw new SpdyProtocolException("a frame of " + length + " bytes exceeds the " + MAX_FRAME + " limit");
        }
        if (in.readableBytes() < 8 + length) {
            return null;
        }
        in.skipBytes(8);
        ByteBuf body = in.readSlice(length);
        boolean fin = (flags & FLAG_FIN) != 0;
        if (first >= 0) {
            byte[] data = new byte[length];
            body.readBytes(data);
            return new SpdyFrame.Data(first & 0x7fffffff, fin, data);
        }
        int version = (first >>> 16) & 0x7fff;
        if (version != SpdyFrame.VERSION) {
            throw new SpdyProtocolException("SPDY version " + version + " is not supported (only 3)");
        }
        int type = first & 0xffff;
        return switch (type) {
            case SYN_STREAM -> {
                need(body, 10, "SYN_STREAM");
                int streamId = body.readInt() & 0x7fffffff;
                int associated = body.readInt() & 0x7fffffff;
                int priority = body.readUnsignedByte() >>> 5;
                body.skipBytes(1);
                yield new SpdyFrame.SynStream(streamId, associated, priority, fin,
                        (flags & FLAG_UNIDIRECTIONAL) != 0, headers(body));
            }
            case SYN_REPLY -> {
                need(body, 4, "SYN_REPLY");
                int streamId = body.readInt() & 0x7fffffff;
                yield new SpdyFrame.SynReply(streamId, fin, headers(body));
            }
            case HEADERS -> {
                need(body, 4, "HEADERS");
                int streamId = body.readInt() & 0x7fffffff;
                yield new SpdyFrame.Headers(streamId, fin, headers(body));
            }
            case RST_STREAM -> {
                need(body, 8, "RST_STREAM");
                yield new SpdyFrame.RstStream(body.readInt() & 0x7fffffff, body.readInt());
            }
            case SETTINGS -> {
                need(body, 4, "SETTINGS");
                int count = body.readInt();
                if (count < 0 || count * 8L != body.readableBytes()) {
                    throw new SpdyProtocolException("a SETTINGS frame's entry count does not match its length");
                }
                Map<Integer, Integer> values = new LinkedHashMap<>();
                for (int i = 0; i < count; i++) {
                    int id = body.readInt() & 0xffffff;
                    values.put(id, body.readInt());
                }
                yield new SpdyFrame.Settings(values);
            }
            case PING -> {
                need(body, 4, "PING");
                yield new SpdyFrame.Ping(body.readInt());
            }
            case GOAWAY -> {
                need(body, 4, "GOAWAY");
                int last = body.readInt() & 0x7fffffff;
                yield new SpdyFrame.GoAway(last, body.readableBytes() >= 4 ? body.readInt() : 0);
            }
            case WINDOW_UPDATE -> {
                need(body, 8, "WINDOW_UPDATE");
                yield new SpdyFrame.WindowUpdate(body.readInt() & 0x7fffffff, body.readInt() & 0x7fffffff);
            }
            default -> null;
        };
    }

    private Map<String, String> headers(ByteBuf body) throws SpdyProtocolException {
        byte[] compressed = new byte[body.readableBytes()];
        body.readBytes(compressed);
        return compressed.length == 0 ? Map.of() : decompressor.decompress(compressed);
    }

    private static void need(ByteBuf body, int bytes, String frame) throws SpdyProtocolException {
        if (body.readableBytes() < bytes) {
            throw new SpdyProtocolException("a " + frame + " frame is shorter than " + bytes + " bytes");
        }
    }

    /** Appends the frame's bytes to {@code out}. */
    public void encode(SpdyFrame frame, ByteBuf out) {
        if (frame instanceof SpdyFrame.Data data) {
            out.writeInt(data.streamId() & 0x7fffffff);
            out.writeByte(data.fin() ? FLAG_FIN : 0);
            out.writeMedium(data.data().length);
            out.writeBytes(data.data());
        } else if (frame instanceof SpdyFrame.SynStream syn) {
            byte[] block = compressor.compress(syn.headers());
            control(out, SYN_STREAM, (syn.fin() ? FLAG_FIN : 0) | (syn.unidirectional() ? FLAG_UNIDIRECTIONAL : 0),
                    10 + block.length);
            out.writeInt(syn.streamId());
            out.writeInt(syn.associatedId());
            out.writeByte((syn.priority() & 7) << 5);
            out.writeByte(0);
            out.writeBytes(block);
        } else if (frame instanceof SpdyFrame.SynReply reply) {
            byte[] block = compressor.compress(reply.headers());
            control(out, SYN_REPLY, reply.fin() ? FLAG_FIN : 0, 4 + block.length);
            out.writeInt(reply.streamId());
            out.writeBytes(block);
        } else if (frame instanceof SpdyFrame.Headers headers) {
            byte[] block = compressor.compress(headers.headers());
            control(out, HEADERS, headers.fin() ? FLAG_FIN : 0, 4 + block.length);
            out.writeInt(headers.streamId());
            out.writeBytes(block);
        } else if (frame instanceof SpdyFrame.RstStream rst) {
            control(out, RST_STREAM, 0, 8);
            out.writeInt(rst.streamId());
            out.writeInt(rst.status());
        } else if (frame instanceof SpdyFrame.Settings settings) {
            control(out, SETTINGS, 0, 4 + 8 * settings.values().size());
            out.writeInt(settings.values().size());
            settings.values().forEach((id, value) -> {
                out.writeInt(id & 0xffffff);
                out.writeInt(value);
            });
        } else if (frame instanceof SpdyFrame.Ping ping) {
            control(out, PING, 0, 4);
            out.writeInt(ping.id());
        } else if (frame instanceof SpdyFrame.GoAway goAway) {
            control(out, GOAWAY, 0, 8);
            out.writeInt(goAway.lastGoodStreamId());
            out.writeInt(goAway.status());
        } else if (frame instanceof SpdyFrame.WindowUpdate update) {
            control(out, WINDOW_UPDATE, 0, 8);
            out.writeInt(update.streamId());
            out.writeInt(update.delta());
        }
    }

    private static void control(ByteBuf out, int type, int flags, int length) {
        out.writeShort(0x8000 | SpdyFrame.VERSION);
        out.writeShort(type);
        out.writeByte(flags);
        out.writeMedium(length);
    }

    @Override
    public void close() {
        compressor.close();
        decompressor.close();
    }
}
