package dev.cortado.runtime.streaming.spdy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** Reads the header blocks of one direction of a connection (the peer's single zlib stream). */
final class HeaderBlockDecompressor implements AutoCloseable {

    /** Streaming headers are a handful of short strings; anything larger is an attack or a bug. */
    static final int MAX_BLOCK = 64 * 1024;

    private final Inflater inflater = new Inflater();

    Map<String, String> decompress(byte[] compressed) throws SpdyProtocolException {
        inflater.setInput(compressed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        try {
            while (true) {
                int produced = inflater.inflate(chunk);
                if (produced > 0) {
                    out.write(chunk, 0, produced);
                    if (out.size() > MAX_BLOCK) {
                        throw new SpdyProtocolException("a header block is larger than " + MAX_BLOCK + " bytes");
                    }
                } else if (inflater.needsDictionary()) {
                    inflater.setDictionary(SpdyDictionary.bytes());
                } else {
                    break;
                }
            }
        } catch (DataFormatException e) {
            throw new SpdyProtocolException("a header block is not valid zlib data: " + e.getMessage());
        }
        return decode(out.toByteArray());
    }

    static Map<String, String> decode(byte[] block) throws SpdyProtocolException {
        ByteBuffer in = ByteBuffer.wrap(block);
        try {
            int count = in.getInt();
            if (count < 0 || count > 1024) {
                throw new SpdyProtocolException("a header block claims " + count + " headers");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = readString(in).toLowerCase(java.util.Locale.ROOT);
                headers.put(name, readString(in));
            }
            return headers;
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new SpdyProtocolException("a header block is truncated");
        }
    }

    private static String readString(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("bad length");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        inflater.end();
    }
}
