package dev.cortado.image.unpack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds test layers with commons-compress's writer; names are kept exactly as given. */
final class TarBuilder {

    static final Instant T0 = Instant.ofEpochSecond(1_600_000_000L);

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    TarBuilder() {
        this(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    TarBuilder(int longFileMode) {
        tar = new TarArchiveOutputStream(bytes);
        tar.setLongFileMode(longFileMode);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    static TarArchiveEntry entry(String name, byte type) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setModTime(FileTime.from(T0));
        e.setIds(0, 0);
        e.setMode(0644);
        return e;
    }

    TarBuilder file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), 0644, 0, 0, T0);
    }

    TarBuilder file(String name, byte[] content, int mode, int uid, int gid, Instant mtime) {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL);
        e.setMode(mode);
        e.setIds(uid, gid);
        e.setModTime(FileTime.from(mtime));
        e.setSize(content.length);
        return add(e, content);
    }

    TarBuilder dir(String name, int mode, int uid, int gid, Instant mtime) {
        TarArchiveEntry e = entry(name, TarConstants.LF_DIR);
        e.setMode(mode);
        e.setIds(uid, gid);
        e.setModTime(FileTime.from(mtime));
        return add(e, null);
    }

    TarBuilder dir(String name) {
        return dir(name, 0755, 0, 0, T0);
    }

    TarBuilder symlink(String name, String target) {
        TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK);
        e.setLinkName(target);
        e.setMode(0777);
        return add(e, null);
    }

    TarBuilder hardlink(String name, String target) {
        TarArchiveEntry e = entry(name, TarConstants.LF_LINK);
        e.setLinkName(target);
        return add(e, null);
    }

    TarBuilder node(String name, byte type, int mode, int major, int minor) {
        TarArchiveEntry e = entry(name, type);
        e.setMode(mode);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        return add(e, null);
    }

    /** A raw PAX extended header for the next entry, values byte for byte. */
    TarBuilder pax(Map<String, byte[]> records) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> r : records.entrySet()) {
            byte[] key = r.getKey().getBytes(StandardCharsets.UTF_8);
            int body = 1 + key.length + 1 + r.getValue().length + 1;
            int length = body + Integer.toString(body).length();
            if (Integer.toString(length).length() != Integer.toString(body).length()) {
                length++;
            }
            data.writeBytes((length + " ").getBytes(StandardCharsets.US_ASCII));
            data.writeBytes(key);
            data.write('=');
            data.writeBytes(r.getValue());
            data.write('\n');
        }
        TarArchiveEntry e = entry("PaxHeaders.0/next", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
        e.setSize(data.size());
        return add(e, data.toByteArray());
    }

    TarBuilder add(TarArchiveEntry e, byte[] content) {
        try {
            tar.putArchiveEntry(e);
            if (content != null) {
                tar.write(content);
            }
            tar.closeArchiveEntry();
            return this;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    byte[] build() {
        try {
            tar.finish();
            tar.close();
            return bytes.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
