package dev.cortado.linux;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Turns Java strings into the NUL-terminated bytes a system call takes. Paths use the charset
 * the JDK itself uses for file names ({@code sun.jnu.encoding}, from the locale), so a file that
 * java.nio created can be named to the kernel by the same bytes; run the JVM under a UTF-8 locale
 * (e.g. {@code LANG=C.UTF-8}) or non-ASCII names cannot be represented at all.
 */
final class NativePaths {

    private final Charset fileNameCharset;

    NativePaths() {
        String jnu = System.getProperty("sun.jnu.encoding");
        this.fileNameCharset = jnu == null ? Charset.defaultCharset() : Charset.forName(jnu);
    }

    byte[] path(Path path) {
        return encode(path.toString(), fileNameCharset, "path");
    }

    /** A symlink target or other file-name-like string that is not a {@link Path}. */
    byte[] fileName(String name) {
        return encode(name, fileNameCharset, "file name");
    }

    static byte[] utf8(String text) {
        return encode(text, StandardCharsets.UTF_8, "name");
    }

    static byte[] nulTerminated(byte[] raw) {
        byte[] out = new byte[raw.length + 1];
        System.arraycopy(raw, 0, out, 0, raw.length);
        return out;
    }

    private static byte[] encode(String text, Charset charset, String what) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " \"" + text.replace("\0", "\\0") + "\" contains a NUL character");
        }
        try {
            ByteBuffer encoded = charset.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            byte[] out = new byte[encoded.remaining() + 1];
            encoded.get(out, 0, encoded.remaining());
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " \"" + text + "\" cannot be encoded in " + charset
                    + "; run the JVM under a UTF-8 locale (LANG=C.UTF-8)", e);
        }
    }
}
