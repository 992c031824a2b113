package dev.cortado.runtime.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a classic BPF program back to front. Every jump in classic BPF goes forward, so when a
 * jump is written its targets already exist and their distance is known: a conditional jump
 * whose target lies more than 255 instructions ahead (its offsets are 8 bits) goes through an
 * unconditional jump (32-bit offset) placed right after it, or a copy of the return it leads to.
 *
 * <p>A label is an instruction's position counted from the end of the program (0 is the last
 * one); the methods return the label of what they wrote, which later instructions jump to.
 */
final class BpfAssembler {

    static final int LD_W_ABS = 0x20;
    static final int ALU_AND_K = 0x54;
    static final int JMP_JA = 0x05;
    static final int JMP_JEQ_K = 0x15;
    static final int JMP_JGT_K = 0x25;
    static final int JMP_JGE_K = 0x35;
    static final int RET_K = 0x06;

    private static final int MAX_SHORT_JUMP = 255;

    private record Instruction(int code, int jt, int jf, int k) {
    }

    /** The program in reverse order. */
    private final List<Instruction> reversed = new ArrayList<>();

    /** The label of the instruction written last (the first one of the program so far). */
    int head() {
        return reversed.size() - 1;
    }

    int size() {
        return reversed.size();
    }

    int ret(int value) {
        return add(RET_K, 0, 0, value);
    }

    /** An instruction that does not jump (a load, an ALU operation), followed by {@code next}. */
    int then(int code, int k, int next) {
        goTo(next);
        return add(code, 0, 0, k);
    }

    /** Loads the 32-bit word at {@code offset} of seccomp_data, then goes on at {@code next}. */
    int load(int offset, int next) {
        return then(LD_W_ABS, offset, next);
    }

    /** A conditional jump on the accumulator against {@code k}. */
    int branch(int code, int k, int onTrue, int onFalse) {
        while (distance(onTrue) > MAX_SHORT_JUMP || distance(onFalse) > MAX_SHORT_JUMP) {
            if (distance(onFalse) > MAX_SHORT_JUMP) {
                onFalse = jump(onFalse);
            } else {
                onTrue = jump(onTrue);
            }
        }
        return add(code, distance(onTrue), distance(onFalse), k);
    }

    /** Makes {@code target} the next instruction: nothing when it already is, else a jump to it. */
    int goTo(int target) {
        return target == head() ? target : jump(target);
    }

    /** The little-endian {@code struct sock_filter} array. */
    byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(reversed.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = reversed.size() - 1; i >= 0; i--) {
            Instruction insn = reversed.get(i);
            out.putShort((short) insn.code()).put((byte) insn.jt()).put((byte) insn.jf()).putInt(insn.k());
        }
        return out.array();
    }

    /** A long jump; to a return, a copy of the return does the same in one instruction less at run time. */
    private int jump(int target) {
        Instruction to = reversed.get(target);
        if (to.code() == RET_K) {
            return add(RET_K, 0, 0, to.k());
        }
        return add(JMP_JA, 0, 0, distance(target));
    }

    /** How many instructions a jump written next would skip to reach {@code target}. */
    private int distance(int target) {
        if (target < 0 || target > head()) {
            throw new IllegalStateException("jump target " + target + " is not ahead of the next instruction");
        }
        return reversed.size() - 1 - target;
    }

    private int add(int code, int jt, int jf, int k) {
        reversed.add(new Instruction(code, jt, jf, k));
        return head();
    }
}
