package dev.cortado.shim.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads plan-v1 bytes the way the C shim must, independently of the writer: header, then
 * records as (tag, value bytes), checking that every length adds up exactly.
 */
final class PlanDecoder {
    /** One record: its tag number and a little-endian view of its value. */
    record Rec(int tag, byte[] value) {
        Reader reader() {
            return new Reader(value);
        }
    }

    private PlanDecoder() {
    }

    static List<Rec> decode(byte[] plan) {
        ByteBuffer in = ByteBuffer.wrap(plan).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        in.get(magic);
        assertEquals("CRTDPLAN", new String(magic, StandardCharsets.US_ASCII));
        assertEquals(1, in.getInt(), "version");
        int count = in.getInt();
        List<Rec> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int tag = Short.toUnsignedInt(in.getShort());
            assertNotNull(PlanTag.of(tag), "tag " + tag + " is a plan-v1 tag");
            byte[] value = new byte[in.getInt()];
            in.get(value);
            records.add(new Rec(tag, value));
        }
        assertFalse(in.hasRemaining(), "bytes after the last of " + count + " records");
        return records;
    }

    static List<Rec> all(List<Rec> records, PlanTag tag) {
        return records.stream().filter(r -> r.tag() == tag.code()).toList();
    }

    static Rec one(List<Rec> records, PlanTag tag) {
        List<Rec> found = all(records, tag);
        assertEquals(1, found.size(), "records with tag " + tag);
        return found.get(0);
    }

    /** Reads the fields of one value in order and insists that it ends exactly after the last. */
    static final class Reader {
        private final ByteBuffer in;

        Reader(byte[] value) {
            in = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        }

        int u32() {
            return in.getInt();
        }

        long u64() {
            return in.getLong();
        }

        /** A str inside a composite: u32 length, bytes. */
        String str() {
            byte[] bytes = new byte[in.getInt()];
            in.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        /** A whole-value str or the trailing bytes of a composite. */
        byte[] rest() {
            byte[] bytes = new byte[in.remaining()];
            in.get(bytes);
            return bytes;
        }

        String restString() {
            return new String(rest(), StandardCharsets.UTF_8);
        }

        int bool() {
            return in.get();
        }

        void end() {
            assertFalse(in.hasRemaining(), in.remaining() + " bytes left in the value");
        }
    }
}
