package dev.cortado.hack.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes {@link LayerEntry}s as a POSIX (PAX) tar. commons-compress encodes PAX values as UTF-8
 * strings, which cannot carry arbitrary xattr bytes (file capabilities are binary), so entries with
 * xattrs or extra PAX records get a PAX header this class encodes itself, holding every record the
 * entry needs; the entry that follows then has a short ASCII name so the library adds no second one
 * (readers such as Go's archive/tar keep only the last PAX header before an entry).
 */
final class TarWriter implements AutoCloseable {
    private static final int NAME_LIMIT = TarConstants.NAMELEN;
    private static final long MAX_OCTAL_ID = 07777777;

    private final TarArchiveOutputStream tar;
    private int paxCounter;

    TarWriter(OutputStream out) {
        this.tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    void write(LayerEntry entry) throws IOException {
        String name = entry.type() == EntryType.DIRECTORY && !entry.name().endsWith("/") ? entry.name() + "/" : entry.name();
        String link = entry.linkTarget();
        boolean ownPax = !entry.xattrs().isEmpty() || !entry.paxHeaders().isEmpty();
        String headerName = name;
        String headerLink = link;
        if (ownPax) {
            ByteArrayOutputStream records = new ByteArrayOutputStream();
            if (!fitsHeader(name)) {
                appendRecord(records, "path", name.getBytes(StandardCharsets.UTF_8));
                headerName = placeholder(name);
            }
            if (link != null && !fitsHeader(link)) {
                appendRecord(records, "linkpath", link.getBytes(StandardCharsets.UTF_8));
                headerLink = placeholder(link);
            }
            if (entry.uid() > MAX_OCTAL_ID || entry.gid() > MAX_OCTAL_ID || entry.uid() < 0 || entry.gid() < 0) {
                throw new IllegalArgumentException("entry \"" + name + "\" with xattrs has uid/gid outside 0.."
                        + MAX_OCTAL_ID + "; this builder does not support both together");
            }
            for (Map.Entry<String, byte[]> xattr : entry.xattrs().entrySet()) {
                appendRecord(records, "SCHILY.xattr." + xattr.getKey(), xattr.getValue());
            }
            for (Map.Entry<String, String> extra : entry.paxHeaders().entrySet()) {
                appendRecord(records, extra.getKey(), extra.getValue().getBytes(StandardCharsets.UTF_8));
            }
            writePaxHeader(entry, records.toByteArray());
        }
        TarArchiveEntry header = new TarArchiveEntry(headerName, linkFlag(entry.type()), true);
        header.setMode(entry.mode());
        header.setUserId(entry.uid());
        header.setGroupId(entry.gid());
        header.setUserName(entry.userName());
        header.setGroupName(entry.groupName());
        header.setLastModifiedTime(FileTime.from(entry.mtime()));
        if (headerLink != null) {
            header.setLinkName(headerLink);
        }
        if (entry.type() == EntryType.CHAR_DEVICE || entry.type() == EntryType.BLOCK_DEVICE) {
            header.setDevMajor(entry.devMajor());
            header.setDevMinor(entry.devMinor());
        }
        header.setSize(entry.type() == EntryType.FILE ? entry.content().size() : 0);
        tar.putArchiveEntry(header);
        if (entry.type() == EntryType.FILE) {
            entry.content().writeTo(new UnclosableStream(tar));
        }
        tar.closeArchiveEntry();
    }

    private void writePaxHeader(LayerEntry entry, byte[] records) throws IOException {
        TarArchiveEntry pax = new TarArchiveEntry("PaxHeaders/" + (++paxCounter), TarConstants.LF_PAX_EXTENDED_HEADER_LC, true);
        pax.setMode(0644);
        pax.setLastModifiedTime(FileTime.from(entry.mtime()));
        pax.setSize(records.length);
        tar.putArchiveEntry(pax);
        tar.write(records);
        tar.closeArchiveEntry();
    }

    /** Ends the archive (two zero records) without closing the stream below. */
    void finish() throws IOException {
        tar.finish();
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }

    private static boolean fitsHeader(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return bytes.length < NAME_LIMIT && bytes.length == name.length();
    }

    /** What the ustar header holds when a PAX record carries the real name. */
    private static String placeholder(String name) {
        StringBuilder ascii = new StringBuilder();
        for (char c : name.toCharArray()) {
            ascii.append(c < 0x80 && c != 0 ? c : '_');
        }
        String text = ascii.toString();
        return text.length() < NAME_LIMIT ? text : text.substring(text.length() - (NAME_LIMIT - 1));
    }

    /** A PAX record is "LEN key=value\n" where LEN counts the whole record including its own digits. */
    private static void appendRecord(ByteArrayOutputStream out, String key, byte[] value) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        int rest = 1 + keyBytes.length + 1 + value.length + 1;
        int length = rest + 1;
        while (String.valueOf(length).length() + rest != length) {
            length = String.valueOf(length).length() + rest;
        }
        out.writeBytes(String.valueOf(length).getBytes(StandardCharsets.US_ASCII));
        out.write(' ');
        out.writeBytes(keyBytes);
        out.write('=');
        out.writeBytes(value);
        out.write('\n');
    }

    private static byte linkFlag(EntryType type) {
        return switch (type) {
            case DIRECTORY -> TarConstants.LF_DIR;
            case FILE -> TarConstants.LF_NORMAL;
            case SYMLINK -> TarConstants.LF_SYMLINK;
            case HARDLINK -> TarConstants.LF_LINK;
            case FIFO -> TarConstants.LF_FIFO;
            case CHAR_DEVICE -> TarConstants.LF_CHR;
            case BLOCK_DEVICE -> TarConstants.LF_BLK;
        };
    }

    /** Lets content writers close what they were given without ending the archive. */
    private static final class UnclosableStream extends java.io.FilterOutputStream {
        UnclosableStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() {
            // the archive stays open
        }
    }
}
