package dev.cortado.runtime.seccomp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortado.runtime.oci.LinuxCapability;

import java.math.BigInteger;

/** The scalar values of a seccomp profile file: actions, flags, numbers, capability names. */
final class ProfileActions {

    /** MAX_ERRNO: the kernel hands larger values back as they are, not as an error. */
    private static final int MAX_ERRNO = 4095;
    private static final BigInteger MIN_I64 = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX_U64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private ProfileActions() {
    }

    /** An action name with its errno (or trace message); both default to EPERM as runc does. */
    static SeccompAction parse(String where, String name, JsonNode errnoRet, String errnoWhere) {
        int data = errnoRet == null || errnoRet.isNull()
                ? SeccompAction.EPERM : (int) number(errnoRet, errnoWhere, 0, MAX_ERRNO);
        return switch (name) {
            case "SCMP_ACT_ALLOW" -> SeccompAction.ALLOW;
            case "SCMP_ACT_ERRNO" -> SeccompAction.errno(data);
            case "SCMP_ACT_TRACE" -> new SeccompAction(SeccompAction.Kind.TRACE, data);
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> new SeccompAction(SeccompAction.Kind.KILL_THREAD, 0);
            case "SCMP_ACT_KILL_PROCESS" -> SeccompAction.KILL_PROCESS;
            case "SCMP_ACT_TRAP" -> new SeccompAction(SeccompAction.Kind.TRAP, 0);
            case "SCMP_ACT_LOG" -> new SeccompAction(SeccompAction.Kind.LOG, 0);
            case "SCMP_ACT_NOTIFY" -> throw new IllegalArgumentException(where
                    + ": SCMP_ACT_NOTIFY needs a seccomp agent listening on a socket, which this runtime does not"
                    + " support");
            default -> throw new IllegalArgumentException(where + ": unknown action \"" + name + "\"");
        };
    }

    /** SECCOMP_FILTER_FLAG_* names to their bits. */
    static int flags(JsonNode flags) {
        int bits = 0;
        if (flags == null || flags.isNull()) {
            return bits;
        }
        for (JsonNode flag : flags) {
            bits |= switch (flag.asText()) {
                case "SECCOMP_FILTER_FLAG_TSYNC" -> 1;
                case "SECCOMP_FILTER_FLAG_LOG" -> 2;
                case "SECCOMP_FILTER_FLAG_SPEC_ALLOW" -> 4;
                default -> throw new IllegalArgumentException("flags: unsupported flag \"" + flag.asText()
                        + "\" (SECCOMP_FILTER_FLAG_TSYNC, _LOG or _SPEC_ALLOW)");
            };
        }
        return bits;
    }

    static long number(JsonNode node, String where, long min, long max) {
        if (node == null || !node.canConvertToLong() || !node.isIntegralNumber()) {
            throw new IllegalArgumentException(where + ": missing or not an integer");
        }
        long value = node.asLong();
        if (value < min || value > max) {
            throw new IllegalArgumentException(where + ": " + value + " is not " + min + " to " + max);
        }
        return value;
    }

    /** An argument operand: any 64-bit pattern, written unsigned (or as a negative number); absent is 0. */
    static long u64(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber()) {
            throw new IllegalArgumentException(where + ": not an integer");
        }
        BigInteger value = node.bigIntegerValue();
        if (value.compareTo(MIN_I64) < 0 || value.compareTo(MAX_U64) > 0) {
            throw new IllegalArgumentException(where + ": " + value + " does not fit in 64 bits");
        }
        return value.longValue();
    }

    static long capability(String name, String where) {
        return LinuxCapability.parse(name).map(LinuxCapability::bit)
                .orElseThrow(() -> new IllegalArgumentException(where + ": unknown capability \"" + name + "\""));
    }
}
