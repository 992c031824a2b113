package dev.cortado.image.unpack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses a PAX extended header ({@code "<len> <key>=<value>\n"} records). Values stay bytes: an
 * xattr such as {@code security.capability} is binary, and decoding it as text would corrupt it.
 */
final class PaxRecords {

    private PaxRecords() {
    }

    static Map<String, byte[]> parse(byte[] data, int length) throws IOException {
        Map<String, byte[]> records = new LinkedHashMap<>();
        int pos = 0;
        while (pos < length) {
            if (data[pos] == 0) {
                break; // some writers pad the header with NULs
            }
            int space = pos;
            long recordLength = 0;
            while (space < length && data[space] >= '0' && data[space] <= '9' && recordLength < length) {
                recordLength = recordLength * 10 + (data[space] - '0');
                space++;
            }
            if (space == pos || space >= length || data[space] != ' ' || recordLength <= space - pos + 1
                    || pos + recordLength > length || data[(int) (pos + recordLength - 1)] != '\n') {
                throw new IOException("malformed PAX extended header record at byte " + pos);
            }
            int end = (int) (pos + recordLength - 1);
            int equals = space + 1;
            while (equals < end && data[equals] != '=') {
                equals++;
            }
            if (equals == end || equals == space + 1) {
                throw new IOException("malformed PAX extended header record at byte " + pos + " (no key)");
            }
            String key = new String(data, space + 1, equals - space - 1, StandardCharsets.UTF_8);
            records.put(key, Arrays.copyOfRange(data, equals + 1, end));
            pos = end + 1;
        }
        return records;
    }
}
