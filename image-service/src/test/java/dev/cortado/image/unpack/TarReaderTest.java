package dev.cortado.image.unpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

class TarReaderTest {

    private static TarReader reader(byte[] tar) {
        return new TarReader(new ByteArrayInputStream(tar));
    }

    @Test
    void bigNumbersAndPaxTimes() throws IOException {
        TarArchiveEntry e = TarBuilder.entry("big", TarConstants.LF_NORMAL);
        e.setUserId(3_000_000_000L);
        e.setGroupId(70_000L);
        byte[] tar = new TarBuilder()
                .add(e, null)
                .pax(Map.of("mtime", "-1.25".getBytes(StandardCharsets.US_ASCII)))
                .file("old", "")
                .build();
        TarReader r = reader(tar);
        TarEntry big = r.next();
        assertEquals(3_000_000_000L, big.uid());
        assertEquals(70_000, big.gid());
        TarEntry old = r.next();
        assertEquals(Instant.ofEpochSecond(-2, 750_000_000), old.mtime());
        assertNull(r.next());
        assertNull(r.next());
    }

    @Test
    void base256Fields() throws IOException {
        byte[] field = new byte[12];
        field[0] = (byte) 0x80;
        field[11] = 5;
        assertEquals(5, TarNumbers.field(field, 0, 12, "size"));
        Arrays.fill(field, (byte) 0xff);
        assertEquals(-1, TarNumbers.field(field, 0, 12, "mtime"));
    }

    @Test
    void mtimeBeyondInstantRangeIsAnIoError() {
        TarArchiveEntry e = TarBuilder.entry("far", TarConstants.LF_NORMAL);
        byte[] tar = new TarBuilder().add(e, null).build();
        // base-256 mtime of 2^62 seconds, then fix the checksum
        Arrays.fill(tar, 136, 148, (byte) 0);
        tar[136] = (byte) 0x80;
        tar[140] = 0x40;
        Arrays.fill(tar, 148, 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += tar[i] & 0xff;
        }
        byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checksum, 0, tar, 148, 8);
        IOException ex = assertThrows(IOException.class, () -> reader(tar).next());
        assertEquals("tar header mtime 4611686018427387904 is out of range", ex.getMessage());
    }

    @Test
    void contentIsBoundedToTheEntryAndSkippedWhenUnread() throws IOException {
        byte[] tar = new TarBuilder().file("a", "x".repeat(700)).file("b", "bee").build();
        TarReader r = reader(tar);
        TarEntry a = r.next();
        assertEquals(700, a.size());
        byte[] buf = new byte[10];
        assertEquals(10, r.read(buf, 0, 10));
        TarEntry b = r.next();
        assertEquals("b", b.name());
        byte[] all = new byte[100];
        assertEquals(3, r.read(all, 0, 100));
        assertEquals(-1, r.read(all, 0, 100));
    }

    @Test
    void corruptHeaderIsReportedNotGuessed() {
        byte[] tar = new TarBuilder().file("a", "a").build();
        tar[10] ^= 1;
        IOException e = assertThrows(IOException.class, () -> reader(tar).next());
        assertEquals("tar header checksum mismatch at byte 0 (corrupt or not a tar stream)", e.getMessage());
    }

    @Test
    void truncatedContentIsReported() throws IOException {
        byte[] tar = Arrays.copyOf(new TarBuilder().file("a", "x".repeat(2000)).build(), 512 + 1000);
        TarReader r = reader(tar);
        r.next();
        byte[] buf = new byte[4096];
        IOException e = assertThrows(IOException.class, () -> {
            while (r.read(buf, 0, buf.length) >= 0) {
                // keep reading
            }
        });
        assertTrue(e.getMessage().startsWith("tar stream truncated inside entry \"a\""), e.getMessage());
    }

    @Test
    void sparseAndUnknownTypesAreRefused() {
        byte[] tar = new TarBuilder().add(TarBuilder.entry("v", (byte) 'V'), null).build();
        IOException e = assertThrows(IOException.class, () -> reader(tar).next());
        assertTrue(e.getMessage().contains("unsupported type 'V'"), e.getMessage());
    }
}
