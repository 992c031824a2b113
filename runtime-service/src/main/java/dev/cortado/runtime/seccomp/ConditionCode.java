package dev.cortado.runtime.seccomp;

import static dev.cortado.runtime.seccomp.BpfAssembler.ALU_AND_K;
import static dev.cortado.runtime.seccomp.BpfAssembler.JMP_JEQ_K;
import static dev.cortado.runtime.seccomp.BpfAssembler.JMP_JGE_K;
import static dev.cortado.runtime.seccomp.BpfAssembler.JMP_JGT_K;

/**
 * The BPF for one argument test, written back to front like the rest of the program. On a 64-bit
 * ABI the comparison is unsigned over both words: the high words decide unless they are equal,
 * then the low words do. On a 32-bit ABI only the low word exists.
 */
final class ConditionCode {

    private final BpfAssembler asm;
    private final boolean wide;

    ConditionCode(BpfAssembler asm, boolean wide) {
        this.asm = asm;
        this.wide = wide;
    }

    /** Emits the test; returns its first instruction, which goes on at {@code pass} or {@code fail}. */
    int emit(ArgCondition condition, int pass, int fail) {
        int lowOffset = FilterCompiler.argLow(condition.index());
        int highOffset = FilterCompiler.argHigh(condition.index());
        int lo = (int) condition.value();
        int hi = (int) (condition.value() >>> 32);
        int low;
        switch (condition.op()) {
            case EQ -> low = asm.branch(JMP_JEQ_K, lo, pass, fail);
            case NE -> low = asm.branch(JMP_JEQ_K, lo, fail, pass);
            case GT -> low = asm.branch(JMP_JGT_K, lo, pass, fail);
            case GE -> low = asm.branch(JMP_JGE_K, lo, pass, fail);
            case LT -> low = asm.branch(JMP_JGE_K, lo, fail, pass);
            case LE -> low = asm.branch(JMP_JGT_K, lo, fail, pass);
            case MASKED_EQ -> low = asm.then(ALU_AND_K, lo,
                    asm.branch(JMP_JEQ_K, (int) condition.valueTwo(), pass, fail));
            default -> throw new IllegalStateException("unhandled operator " + condition.op());
        }
        int lowTest = asm.load(lowOffset, low);
        if (!wide) {
            return lowTest;
        }
        int high = switch (condition.op()) {
            case EQ -> asm.branch(JMP_JEQ_K, hi, lowTest, fail);
            case NE -> asm.branch(JMP_JEQ_K, hi, lowTest, pass);
            // above on the high word decides GT/GE, below decides LT/LE; equal defers to the low word
            case GT, GE -> asm.branch(JMP_JGT_K, hi, pass, asm.branch(JMP_JEQ_K, hi, lowTest, fail));
            case LT, LE -> asm.branch(JMP_JGT_K, hi, fail, asm.branch(JMP_JEQ_K, hi, lowTest, pass));
            case MASKED_EQ -> asm.then(ALU_AND_K, hi,
                    asm.branch(JMP_JEQ_K, (int) (condition.valueTwo() >>> 32), lowTest, fail));
        };
        return asm.load(highOffset, high);
    }
}
