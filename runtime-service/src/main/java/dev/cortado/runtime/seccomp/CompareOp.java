package dev.cortado.runtime.seccomp;

/** How a syscall argument is compared with a rule's value, as libseccomp's SCMP_CMP_* name them. */
public enum CompareOp {
    NE, LT, LE, EQ, GE, GT,
    /** {@code (arg & value) == valueTwo}. */
    MASKED_EQ;

    /** The operator spelled as seccomp profiles write it ({@code SCMP_CMP_EQ}). */
    public static CompareOp parse(String name) {
        if (name.startsWith("SCMP_CMP_")) {
            try {
                return valueOf(name.substring("SCMP_CMP_".length()));
            } catch (IllegalArgumentException e) {
                // falls through to the message below
            }
        }
        throw new IllegalArgumentException("unknown operator \"" + name
                + "\" (SCMP_CMP_NE, _LT, _LE, _EQ, _GE, _GT or _MASKED_EQ)");
    }
}
