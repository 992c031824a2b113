package dev.cortado.runtime.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A terminal size as clients send it on the resize stream: {@code {"Width":80,"Height":24}}.
 * SPDY delivers those documents as a byte stream, so {@link Reader} reassembles them.
 */
public record TerminalSize(int width, int height) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static TerminalSize parse(byte[] document) throws IOException {
        JsonNode node = JSON.readTree(document);
        int width = node.path("Width").asInt(-1);
        int height = node.path("Height").asInt(-1);
        if (width < 0 || height < 0 || width > 65535 || height > 65535) {
            throw new IOException("resize document " + node + " lacks a valid Width and Height");
        }
        return new TerminalSize(width, height);
    }

    /** Splits a byte stream into the flat JSON objects it carries (they hold no nested braces). */
    public static final class Reader {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        public List<TerminalSize> feed(byte[] data) throws IOException {
            pending.writeBytes(data);
            if (pending.size() > 4096) {
                throw new IOException("resize stream carries an over-long document");
            }
            byte[] bytes = pending.toByteArray();
            List<TerminalSize> sizes = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '}') {
                    byte[] doc = java.util.Arrays.copyOfRange(bytes, start, i + 1);
                    sizes.add(parse(doc));
                    start = i + 1;
                }
            }
            pending.reset();
            pending.write(bytes, start, bytes.length - start);
            return sizes;
        }
    }
}
