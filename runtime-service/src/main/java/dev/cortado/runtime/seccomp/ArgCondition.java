package dev.cortado.runtime.seccomp;

/**
 * A test on one syscall argument, compared as an unsigned 64-bit number.
 *
 * @param index    the argument, 0 to 5
 * @param value    the operand; the mask for {@link CompareOp#MASKED_EQ}
 * @param valueTwo what the masked argument must equal for {@link CompareOp#MASKED_EQ}
 */
public record ArgCondition(int index, CompareOp op, long value, long valueTwo) {

    public static final int ARGS = 6;

    public ArgCondition {
        if (index < 0 || index >= ARGS) {
            throw new IllegalArgumentException("argument index " + index + " is not 0 to 5");
        }
    }

    public static ArgCondition of(int index, CompareOp op, long value) {
        return new ArgCondition(index, op, value, 0);
    }
}
