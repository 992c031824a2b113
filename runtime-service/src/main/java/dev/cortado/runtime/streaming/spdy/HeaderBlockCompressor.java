package dev.cortado.runtime.streaming.spdy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.Deflater;

/**
 * Writes the header blocks of one direction of a connection: one zlib stream for the whole
 * connection, primed with the SPDY dictionary and sync-flushed after each block so the peer can
 * decode every block as it arrives.
 */
final class HeaderBlockCompressor implements AutoCloseable {

    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);

    HeaderBlockCompressor() {
        deflater.setDictionary(SpdyDictionary.bytes());
    }

    byte[] compress(Map<String, String> headers) {
        deflater.setInput(encode(headers));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        int produced;
        do {
            produced = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
            out.write(chunk, 0, produced);
        } while (produced == chunk.length || !deflater.needsInput());
        return out.toByteArray();
    }

    /** The uncompressed block: a count, then length-prefixed names and values (section 2.6.10). */
    static byte[] encode(Map<String, String> headers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeInt(out, headers.size());
        for (Map.Entry<String, String> header : headers.entrySet()) {
            writeString(out, header.getKey().toLowerCase(java.util.Locale.ROOT));
            writeString(out, header.getValue());
        }
        return out.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        writeInt(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }

    @Override
    public void close() {
        deflater.end();
    }
}
