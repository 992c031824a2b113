package dev.cortado.image.unpack;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;

/** The numeric encodings tar headers use: octal text, GNU base-256, and PAX decimal times. */
final class TarNumbers {

    private TarNumbers() {
    }

    /** Octal digits (leading spaces, trailing NUL or space), or base-256 when the top bit is set. */
    static long field(byte[] block, int offset, int length, String field) throws IOException {
        if ((block[offset] & 0x80) != 0) {
            return base256(block, offset, length, field);
        }
        int i = offset;
        int end = offset + length;
        while (i < end && (block[i] == ' ' || block[i] == 0)) {
            i++;
        }
        long value = 0;
        for (; i < end && block[i] != 0 && block[i] != ' '; i++) {
            int digit = block[i] - '0';
            if (digit < 0 || digit > 7) {
                throw new IOException("tar header field " + field + " is not an octal number");
            }
            if (value > (Long.MAX_VALUE >> 3)) {
                throw new IOException("tar header field " + field + " overflows");
            }
            value = (value << 3) | digit;
        }
        return value;
    }

    private static long base256(byte[] block, int offset, int length, String field) throws IOException {
        // the first byte's low seven bits start a big-endian two's complement number
        long value = (byte) (block[offset] << 1) >> 1;
        for (int i = offset + 1; i < offset + length; i++) {
            if (value > (Long.MAX_VALUE >> 8) || value < (Long.MIN_VALUE >> 8)) {
                throw new IOException("tar header field " + field + " overflows");
            }
            value = (value << 8) | (block[i] & 0xff);
        }
        return value;
    }

    /** Seconds since the epoch as an Instant; a value beyond Instant's range is a corrupt header. */
    static Instant epochSeconds(long seconds) throws IOException {
        try {
            return Instant.ofEpochSecond(seconds);
        } catch (DateTimeException e) {
            throw new IOException("tar header mtime " + seconds + " is out of range");
        }
    }

    /** A PAX decimal integer such as {@code uid=100000}. */
    static long decimal(String text, String key) throws IOException {
        try {
            long value = Long.parseLong(text.trim());
            if (value < 0) {
                throw new IOException("PAX record " + key + " is negative: " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IOException("PAX record " + key + " is not a number: \"" + text + "\"");
        }
    }

    /** A PAX time such as {@code 1700000000.123456789} or {@code -1.5}; extra digits are dropped. */
    static Instant paxTime(String text, String key) throws IOException {
        String t = text.trim();
        boolean negative = t.startsWith("-");
        String unsigned = negative ? t.substring(1) : t;
        int dot = unsigned.indexOf('.');
        String whole = dot < 0 ? unsigned : unsigned.substring(0, dot);
        String fraction = dot < 0 ? "" : unsigned.substring(dot + 1);
        if (whole.isEmpty() || !whole.chars().allMatch(Character::isDigit)
                || !fraction.chars().allMatch(Character::isDigit)) {
            throw new IOException("PAX record " + key + " is not a time: \"" + text + "\"");
        }
        try {
            long seconds = Long.parseLong(whole);
            String nineDigits = (fraction + "000000000").substring(0, 9);
            long nanos = Long.parseLong(nineDigits);
            return negative ? Instant.ofEpochSecond(-seconds, -nanos) : Instant.ofEpochSecond(seconds, nanos);
        } catch (NumberFormatException | DateTimeException e) {
            throw new IOException("PAX record " + key + " is out of range: \"" + text + "\"");
        }
    }
}
