package dev.cortado.image.unpack;

import dev.cortado.hack.files.FileFacts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdOutputStream;
import dev.cortado.linux.Syscalls;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecompressionTest {

    private static final String OCI_TAR = "application/vnd.oci.image.layer.v1.tar";

    @TempDir
    Path tmp;

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] zstd(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(out)) {
            z.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Hands out at most 1000 bytes a read and hides available(), as a network or digesting stream would. */
    private static final class Trickle extends InputStream {
        private final ByteArrayInputStream in;

        Trickle(byte[] data) {
            in = new ByteArrayInputStream(data);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, 1000));
        }

        int unread() {
            return in.available();
        }
    }

    private static InputStream opaque(byte[] data) {
        return new Trickle(data);
    }

    private static byte[] readAll(InputStream blob, String mediaType) throws IOException {
        try (InputStream in = Decompression.open(blob, mediaType)) {
            return in.readAllBytes();
        }
    }

    @Test
    void gzipAndZstdLayersUnpack() throws IOException {
        byte[] tar = new TarBuilder().file("etc/os-release", "ID=cortado\n").dir("tmp/", 01777, 0, 0, TarBuilder.T0)
                .build();
        Syscalls sys = new Syscalls();
        String[][] cases = {
            {"application/vnd.oci.image.layer.v1.tar+gzip", "gzip"},
            {"application/vnd.docker.image.rootfs.diff.tar.gzip", "gzip"},
            {"application/vnd.oci.image.layer.v1.tar+zstd", "zstd"},
            {OCI_TAR, "none"},
            {"", "gzip"},
            {null, "zstd"},
            {"application/octet-stream", "none"},
        };
        for (String[] c : cases) {
            byte[] blob = switch (c[1]) {
                case "gzip" -> gzip(tar);
                case "zstd" -> zstd(tar);
                default -> tar;
            };
            Path layer = Files.createDirectory(tmp.resolve("layer-" + c[1] + "-" + Math.abs(String.valueOf(c[0]).hashCode())));
            Trickle source = new Trickle(blob);
            try (InputStream in = Decompression.open(source, c[0])) {
                UnpackStats stats = new LayerUnpacker(sys, true).unpack(in, layer);
                assertEquals(0, source.unread(), "blob read to its end: " + c[0]);
                assertEquals(2, stats.entries());
            }
            assertEquals("ID=cortado\n", Files.readString(layer.resolve("etc/os-release")), c[0]);
            assertEquals(041777, FileFacts.mode(layer.resolve("tmp")) , c[0]);
        }
    }

    @Test
    void concatenatedGzipMembersAreAllRead() throws IOException {
        byte[] a = new byte[300_000];
        byte[] b = new byte[200_000];
        java.util.Arrays.fill(a, (byte) 'a');
        java.util.Arrays.fill(b, (byte) 'b');
        byte[] blob = concat(gzip(a), gzip(b));
        assertArrayEquals(concat(a, b), readAll(opaque(blob), "application/vnd.oci.image.layer.v1.tar+gzip"));
        assertArrayEquals(concat(a, b), readAll(opaque(blob), ""));
    }

    @Test
    void concatenatedZstdFramesAreAllRead() throws IOException {
        byte[] a = "first frame ".repeat(1000).getBytes();
        byte[] b = "second frame ".repeat(1000).getBytes();
        assertArrayEquals(concat(a, b), readAll(opaque(concat(zstd(a), zstd(b))), "application/vnd.oci.image.layer.v1.tar+zstd"));
    }

    @Test
    void declaredCompressionMustMatchTheBytes() throws IOException {
        byte[] tar = new TarBuilder().file("a", "a").build();
        IOException e = assertThrows(IOException.class,
                () -> Decompression.open(new ByteArrayInputStream(zstd(tar)), "application/vnd.oci.image.layer.v1.tar+gzip"));
        assertEquals("layer of media type application/vnd.oci.image.layer.v1.tar+gzip should be GZIP-compressed"
                + " but its first bytes are ZSTD magic", e.getMessage());
        IOException plain = assertThrows(IOException.class,
                () -> Decompression.open(new ByteArrayInputStream(tar), "application/vnd.oci.image.layer.v1.tar+zstd"));
        assertEquals("layer of media type application/vnd.oci.image.layer.v1.tar+zstd should be ZSTD-compressed"
                + " but its first bytes are not ZSTD magic", plain.getMessage());
        IOException mislabelled = assertThrows(IOException.class,
                () -> Decompression.open(new ByteArrayInputStream(gzip(tar)), OCI_TAR));
        assertEquals("layer of media type " + OCI_TAR + " should be uncompressed but its first bytes are GZIP magic",
                mislabelled.getMessage());
    }

    @Test
    void encryptedLayersAreRefused() {
        IOException e = assertThrows(IOException.class, () -> Decompression.open(new ByteArrayInputStream(new byte[10]),
                "application/vnd.oci.image.layer.v1.tar+gzip+encrypted"));
        assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
    }

    @Test
    void mediaTypeSuffixes() throws IOException {
        assertEquals(Compression.GZIP, Compression.fromMediaType("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"));
        assertEquals(Compression.GZIP, Compression.fromMediaType("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"));
        assertEquals(Compression.ZSTD, Compression.fromMediaType("application/vnd.oci.image.layer.v1.tar+zstd"));
        assertEquals(Compression.NONE, Compression.fromMediaType(OCI_TAR));
        assertEquals(null, Compression.fromMediaType(" "));
        assertEquals(null, Compression.fromMediaType("application/vnd.example.unknown"));
    }
}
