package dev.cortado.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reading response bodies without ever holding more than a stated amount in memory. */
final class Bodies {

    /** Error bodies are read this far for their message and the rest is dropped. */
    private static final int MAX_ERROR_BYTES = 16 * 1024;

    private static final ObjectReader JSON = JsonMapper.builder().build().reader();

    private Bodies() {
    }

    /**
     * Reads the whole body if it has at most {@code cap} bytes; returns null as soon as it has
     * read one byte more, without reading the rest.
     */
    static byte[] readAtMost(InputStream in, long cap) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(cap, 64 * 1024));
        byte[] buffer = new byte[16 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer, 0, (int) Math.min(buffer.length, cap - total + 1))) > 0) {
            total += n;
            if (total > cap) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /**
     * What an error response says, for messages: the distribution spec's
     * {@code {"errors":[{"code":..,"message":..}]}} as "CODE: message", else the start of the
     * text. Never throws; an unreadable body is an empty summary.
     */
    static String errorSummary(InputStream in) {
        byte[] body;
        try (in) {
            body = in.readNBytes(MAX_ERROR_BYTES);
        } catch (IOException e) {
            return "";
        }
        if (body.length == 0) {
            return "";
        }
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            if (errors.isArray() && !errors.isEmpty()) {
                List<String> parts = new ArrayList<>();
                for (JsonNode error : errors) {
                    String code = error.path("code").asText("");
                    String message = error.path("message").asText("");
                    parts.add(code.isEmpty() ? message : message.isEmpty() ? code : code + ": " + message);
                }
                return String.join("; ", parts);
            }
        } catch (IOException | RuntimeException e) {
            // Not the spec's JSON: fall back to the raw text below.
        }
        String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
