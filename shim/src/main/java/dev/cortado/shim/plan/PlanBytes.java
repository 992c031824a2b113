package dev.cortado.shim.plan;

import java.util.Arrays;

/** A growing little-endian byte buffer: the plan as it is encoded. */
final class PlanBytes {
    private byte[] bytes = new byte[1024];
    private int size;

    int size() {
        return size;
    }

    PlanBytes u16(int value) {
        ensure(2);
        bytes[size++] = (byte) value;
        bytes[size++] = (byte) (value >>> 8);
        return this;
    }

    PlanBytes u32(int value) {
        ensure(4);
        for (int shift = 0; shift < 32; shift += 8) {
            bytes[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    PlanBytes u64(long value) {
        ensure(8);
        for (int shift = 0; shift < 64; shift += 8) {
            bytes[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    PlanBytes bytes(byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, bytes, size, value.length);
        size += value.length;
        return this;
    }

    /** A str inside a composite value: u32 length, then the bytes. */
    PlanBytes prefixed(byte[] value) {
        return u32(value.length).bytes(value);
    }

    /** Overwrites four bytes already written (a count or a length known only afterwards). */
    void patchU32(int at, int value) {
        for (int i = 0; i < 4; i++) {
            bytes[at + i] = (byte) (value >>> (8 * i));
        }
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
