package dev.cortado.runtime.oci;

/**
 * The refusals of bad input: each names the CRI field as the kubelet spells it, so that the
 * INVALID_ARGUMENT the kubelet sees points at what to fix.
 */
final class InvalidField {

    private InvalidField() {
    }

    static IllegalArgumentException of(String field, String problem) {
        return new IllegalArgumentException(field + ": " + problem);
    }

    /** The init plan carries strings without terminators; a NUL inside one cannot be passed on. */
    static String noNul(String field, String value) {
        if (value.indexOf('\0') >= 0) {
            throw of(field, "contains a NUL byte");
        }
        return value;
    }

    static String absolutePath(String field, String value) {
        noNul(field, value);
        if (!value.startsWith("/")) {
            throw of(field, "\"" + value + "\" is not an absolute path");
        }
        return value;
    }

    /** A user or group id as the kernel takes it: 0 to 2^32-2 (2^32-1 means "no change"). */
    static long id(String field, long value) {
        if (value < 0 || value > 0xFFFF_FFFEL) {
            throw of(field, value + " is not a valid id (0 to 4294967294)");
        }
        return value;
    }
}
