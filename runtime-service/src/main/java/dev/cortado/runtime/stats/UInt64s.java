package dev.cortado.runtime.stats;

import dev.cortado.cri.v1.UInt64Value;

/** The CRI's own UInt64Value wrapper (not protobuf's well-known type of the same name). */
final class UInt64s {

    private UInt64s() {
    }

    static UInt64Value of(long value) {
        return UInt64Value.newBuilder().setValue(Math.max(0, value)).build();
    }
}
