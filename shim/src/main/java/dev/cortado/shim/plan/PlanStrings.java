package dev.cortado.shim.plan;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strings as plan-v1 stores them: strict UTF-8 that C can hand to the kernel as a C string. */
final class PlanStrings {
    private PlanStrings() {
    }

    /**
     * The UTF-8 bytes of {@code value}, refused when it holds a NUL (C would cut it there), cannot
     * be encoded (a lone surrogate), or is longer than {@code maxBytes}.
     */
    static byte[] encode(String field, String value, int maxBytes) {
        if (value == null) {
            throw new InvalidPlanException(field + " is missing");
        }
        if (value.indexOf('\0') >= 0) {
            throw new InvalidPlanException(field + " " + quote(value) + " contains a NUL character");
        }
        byte[] bytes;
        try {
            ByteBuffer buffer = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
        } catch (CharacterCodingException e) {
            throw new InvalidPlanException(field + " " + quote(value) + " is not valid Unicode (a lone surrogate)");
        }
        if (bytes.length > maxBytes) {
            throw new InvalidPlanException(field + " " + quote(value) + " is " + bytes.length
                    + " bytes long; at most " + maxBytes + " are allowed");
        }
        return bytes;
    }

    /** An absolute path, encoded. */
    static byte[] absolutePath(String field, String value) {
        byte[] bytes = encode(field, value, PlanLimits.PATH_BYTES);
        if (!value.startsWith("/")) {
            throw new InvalidPlanException(field + " " + quote(value) + " must be an absolute path");
        }
        return bytes;
    }

    /** The value for a message: quoted, control characters escaped, long values shortened. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        int shown = Math.min(value.length(), 120);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        if (shown < value.length()) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
