package dev.cortado.image.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads an uncompressed tar stream (ustar, PAX, GNU long names and links) entry by entry. It is
 * our own rather than commons-compress's TarArchiveInputStream because that one decodes PAX values
 * as UTF-8 text, which corrupts binary xattrs such as security.capability (byte 0x80 becomes
 * EF BF BD). Semantics follow Go's archive/tar, which wrote and reads most image layers: global
 * PAX headers are not applied, GNU long names win over PAX paths, and the size of header-only
 * entries (links, directories, devices, fifos) is ignored.
 */
final class TarReader {

    static final int BLOCK = 512;
    private static final int MAX_EXTENSION_SIZE = 1 << 20;
    private static final String XATTR_PREFIX = "SCHILY.xattr.";

    private final InputStream in;
    private final byte[] header = new byte[BLOCK];
    private final byte[] scratch = new byte[64 * 1024];
    private long position;
    private long remaining;
    private long padding;
    private String currentName = "";
    private boolean ended;

    TarReader(InputStream in) {
        this.in = in;
    }

    /** The next entry, or null at the end-of-archive marker (or a clean end of input). */
    TarEntry next() throws IOException {
        if (ended) {
            return null;
        }
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
        Map<String, byte[]> pax = Map.of();
        String longName = null;
        String longLink = null;
        while (true) {
            long headerAt = position;
            if (!readHeader()) {
                ended = true;
                if (longName != null || longLink != null || !pax.isEmpty()) {
                    throw new IOException("tar stream ends after an extension header at byte " + headerAt);
                }
                return null;
            }
            byte flag = header[156];
            long size = TarNumbers.field(header, 124, 12, "size");
            switch (flag) {
                case 'x' -> pax = PaxRecords.parse(readExtension(size, "PAX header"), (int) size);
                case 'g' -> readExtension(size, "global PAX header"); // not applied, as Go does not
                case 'L' -> longName = cString(readExtension(size, "GNU long name"), (int) size, "long name");
                case 'K' -> longLink = cString(readExtension(size, "GNU long link"), (int) size, "long link");
                default -> {
                    return entry(flag, size, pax, longName, longLink, headerAt);
                }
            }
        }
    }

    /** Reads the current entry's content; -1 when it is all read. */
    int read(byte[] buffer, int offset, int length) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int n = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (n < 0) {
            throw new IOException("tar stream truncated inside entry \"" + currentName + "\" ("
                    + remaining + " bytes missing)");
        }
        remaining -= n;
        position += n;
        return n;
    }

    /** Reads whatever follows the end-of-archive marker, so the whole stream is consumed. */
    void drainToEnd() throws IOException {
        while (in.read(scratch, 0, scratch.length) >= 0) {
            // trailing blocks carry nothing, but the caller digests every byte
        }
    }

    private TarEntry entry(byte flag, long headerSize, Map<String, byte[]> pax, String longName, String longLink,
                           long headerAt) throws IOException {
        boolean ustar = matches(257, "ustar\0");
        String name = cString(header, 0, 100, "name");
        if (ustar && header[345] != 0) {
            name = cString(header, 345, 155, "name prefix") + "/" + name;
        }
        String linkName = cString(header, 157, 100, "link name");
        TarEntryType type = type(flag, name, headerAt);
        long uid = TarNumbers.field(header, 108, 8, "uid");
        long gid = TarNumbers.field(header, 116, 8, "gid");
        long size = headerSize;
        Instant mtime = TarNumbers.epochSeconds(TarNumbers.field(header, 136, 12, "mtime"));
        Instant atime = null;
        long devMajor = TarNumbers.field(header, 329, 8, "devmajor");
        long devMinor = TarNumbers.field(header, 337, 8, "devminor");
        Map<String, byte[]> xattrs = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> record : pax.entrySet()) {
            String key = record.getKey();
            byte[] raw = record.getValue();
            if (key.startsWith(XATTR_PREFIX)) {
                xattrs.put(key.substring(XATTR_PREFIX.length()), raw);
                continue;
            }
            if (raw.length == 0) {
                continue;
            }
            String value = utf8(raw, 0, raw.length, "PAX record " + key);
            switch (key) {
                case "path" -> name = value;
                case "linkpath" -> linkName = value;
                case "size" -> size = TarNumbers.decimal(value, key);
                case "uid" -> uid = TarNumbers.decimal(value, key);
                case "gid" -> gid = TarNumbers.decimal(value, key);
                case "mtime" -> mtime = TarNumbers.paxTime(value, key);
                case "atime" -> atime = TarNumbers.paxTime(value, key);
                case "SCHILY.devmajor" -> devMajor = TarNumbers.decimal(value, key);
                case "SCHILY.devminor" -> devMinor = TarNumbers.decimal(value, key);
                default -> {
                    if (key.startsWith("GNU.sparse.")) {
                        throw new IOException("tar entry \"" + name + "\" is a sparse file, which is not supported");
                    }
                }
            }
        }
        if (longName != null) {
            name = longName;
        }
        if (longLink != null) {
            linkName = longLink;
        }
        if (size < 0) {
            throw new IOException("tar entry \"" + name + "\" has a negative size");
        }
        currentName = name;
        remaining = type.headerOnly() ? 0 : size;
        padding = paddingFor(remaining);
        int mode = (int) (TarNumbers.field(header, 100, 8, "mode") & 07777);
        return new TarEntry(name, linkName, type, mode, uid, gid, remaining, mtime, atime, devMajor, devMinor,
                xattrs);
    }

    private TarEntryType type(byte flag, String name, long headerAt) throws IOException {
        return switch (flag) {
            case 0 -> name.endsWith("/") ? TarEntryType.DIRECTORY : TarEntryType.REGULAR;
            case '0', '7' -> TarEntryType.REGULAR;
            case '1' -> TarEntryType.HARDLINK;
            case '2' -> TarEntryType.SYMLINK;
            case '3' -> TarEntryType.CHARACTER_DEVICE;
            case '4' -> TarEntryType.BLOCK_DEVICE;
            case '5' -> TarEntryType.DIRECTORY;
            case '6' -> TarEntryType.FIFO;
            case 'S' -> throw new IOException("tar entry \"" + name + "\" is a GNU sparse file, which is not supported");
            default -> throw new IOException("tar entry \"" + name + "\" at byte " + headerAt
                    + " has unsupported type '" + (char) (flag & 0xff) + "'");
        };
    }

    /** Fills {@link #header}; false at the end-of-archive marker or a clean end of input. */
    private boolean readHeader() throws IOException {
        int filled = 0;
        while (filled < BLOCK) {
            int n = in.read(header, filled, BLOCK - filled);
            if (n < 0) {
                if (filled == 0) {
                    return false;
                }
                throw new IOException("tar stream truncated inside a header at byte " + position);
            }
            filled += n;
        }
        position += BLOCK;
        if (isZero(header)) {
            return false;
        }
        verifyChecksum();
        return true;
    }

    private void verifyChecksum() throws IOException {
        long stored = TarNumbers.field(header, 148, 8, "checksum");
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            byte b = (i >= 148 && i < 156) ? (byte) ' ' : header[i];
            unsigned += b & 0xff;
            signed += b;
        }
        if (stored != unsigned && stored != signed) {
            throw new IOException("tar header checksum mismatch at byte " + (position - BLOCK)
                    + " (corrupt or not a tar stream)");
        }
    }

    private byte[] readExtension(long size, String what) throws IOException {
        if (size < 0 || size > MAX_EXTENSION_SIZE) {
            throw new IOException(what + " of " + size + " bytes exceeds the " + MAX_EXTENSION_SIZE + " byte limit");
        }
        byte[] data = new byte[(int) size];
        int filled = 0;
        while (filled < size) {
            int n = in.read(data, filled, data.length - filled);
            if (n < 0) {
                throw new IOException("tar stream truncated inside a " + what);
            }
            filled += n;
        }
        position += size;
        skip(paddingFor(size));
        return data;
    }

    private void skip(long count) throws IOException {
        long left = count;
        while (left > 0) {
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, left));
            if (n < 0) {
                throw new IOException("tar stream truncated while skipping entry \"" + currentName + "\"");
            }
            left -= n;
            position += n;
        }
    }

    private boolean matches(int offset, String magic) {
        for (int i = 0; i < magic.length(); i++) {
            if (header[offset + i] != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static long paddingFor(long size) {
        return (BLOCK - (size % BLOCK)) % BLOCK;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] data, int length, String what) throws IOException {
        return cString(data, 0, length, what);
    }

    private static String cString(byte[] data, int offset, int length, String what) throws IOException {
        int end = offset;
        while (end < offset + length && data[end] != 0) {
            end++;
        }
        return utf8(data, offset, end - offset, what);
    }

    private static String utf8(byte[] data, int offset, int length, String what) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            String shown = new String(Arrays.copyOfRange(data, offset, offset + length), StandardCharsets.UTF_8);
            throw new IOException("tar " + what + " \"" + shown + "\" is not valid UTF-8", e);
        }
    }
}
