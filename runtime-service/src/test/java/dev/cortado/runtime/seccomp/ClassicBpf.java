package dev.cortado.runtime.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Runs a seccomp program the way the kernel would, on a synthetic {@code seccomp_data}, after
 * the checks the kernel's loader makes (every jump lands inside the program, the last
 * instruction returns, loads are aligned words inside the 64-byte struct).
 */
final class ClassicBpf {

    static final int AUDIT_ARCH_X86_64 = 0xC000_003E;
    static final int AUDIT_ARCH_I386 = 0x4000_0003;
    static final int AUDIT_ARCH_AARCH64 = 0xC000_00B7;
    private static final int SECCOMP_DATA_BYTES = 64;

    private final short[] code;
    private final int[] jt;
    private final int[] jf;
    private final int[] k;

    ClassicBpf(byte[] program) {
        if (program.length == 0 || program.length % 8 != 0) {
            throw new AssertionError("a program is a non-empty array of 8-byte instructions, not " + program.length);
        }
        int n = program.length / 8;
        code = new short[n];
        jt = new int[n];
        jf = new int[n];
        k = new int[n];
        ByteBuffer in = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            code[i] = in.getShort();
            jt[i] = in.get() & 0xff;
            jf[i] = in.get() & 0xff;
            k[i] = in.getInt();
        }
        verify();
    }

    int length() {
        return code.length;
    }

    private void verify() {
        int n = code.length;
        for (int pc = 0; pc < n; pc++) {
            switch (code[pc]) {
                case BpfAssembler.LD_W_ABS -> {
                    if (k[pc] % 4 != 0 || k[pc] < 0 || k[pc] + 4 > SECCOMP_DATA_BYTES) {
                        throw new AssertionError(pc + ": load at offset " + k[pc]);
                    }
                }
                case BpfAssembler.ALU_AND_K, BpfAssembler.RET_K -> {
                }
                case BpfAssembler.JMP_JA -> {
                    if (Integer.toUnsignedLong(k[pc]) >= n - pc - 1) {
                        throw new AssertionError(pc + ": ja " + k[pc] + " leaves the program of " + n);
                    }
                }
                case BpfAssembler.JMP_JEQ_K, BpfAssembler.JMP_JGT_K, BpfAssembler.JMP_JGE_K -> {
                    if (pc + 1 + Math.max(jt[pc], jf[pc]) >= n) {
                        throw new AssertionError(pc + ": a jump leaves the program of " + n);
                    }
                }
                default -> throw new AssertionError(pc + ": unexpected opcode " + code[pc]);
            }
        }
        if (code[n - 1] != BpfAssembler.RET_K && code[n - 1] != BpfAssembler.JMP_JA) {
            throw new AssertionError("the program does not end in a return");
        }
    }

    /** The filter's verdict for a syscall. */
    int run(int arch, int nr, long... args) {
        ByteBuffer data = ByteBuffer.allocate(SECCOMP_DATA_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0, nr).putInt(4, arch).putLong(8, 0x7f00_1234_5678L);
        for (int i = 0; i < args.length; i++) {
            data.putLong(16 + 8 * i, args[i]);
        }
        int a = 0;
        int pc = 0;
        while (true) {
            int insn = pc++;
            switch (code[insn]) {
                case BpfAssembler.LD_W_ABS -> a = data.getInt(k[insn]);
                case BpfAssembler.ALU_AND_K -> a &= k[insn];
                case BpfAssembler.JMP_JA -> pc += k[insn];
                case BpfAssembler.JMP_JEQ_K -> pc += a == k[insn] ? jt[insn] : jf[insn];
                case BpfAssembler.JMP_JGT_K -> pc += Integer.compareUnsigned(a, k[insn]) > 0 ? jt[insn] : jf[insn];
                case BpfAssembler.JMP_JGE_K -> pc += Integer.compareUnsigned(a, k[insn]) >= 0 ? jt[insn] : jf[insn];
                case BpfAssembler.RET_K -> {
                    return k[insn];
                }
                default -> throw new AssertionError("unexpected opcode " + code[insn]);
            }
        }
    }
}
