package dev.cortado.runtime.seccomp;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles a {@link SeccompProfile} to the classic BPF program seccomp(2) loads.
 *
 * <p>The program checks {@code seccomp_data.arch} first: a syscall of an ABI the profile does not
 * list is killed. Within an ABI the numbers are cut into intervals that go to the same place
 * (neighbouring allowed syscalls, gaps to the default action), found by binary search; a
 * syscall's own code runs its rules: the conditional ones in profile order, then the unconditional one, then the
 * default action. Arguments of 64-bit ABIs are compared as two 32-bit words, high word first.
 */
public final class FilterCompiler {

    /** BPF_MAXINSNS: the kernel refuses longer programs. */
    public static final int MAX_INSTRUCTIONS = 4096;

    private static final int OFFSET_NR = 0;
    private static final int OFFSET_ARCH = 4;
    private static final int OFFSET_ARGS = 16;

    private final SyscallTable table;

    public FilterCompiler(SyscallTable table) {
        this.table = table;
    }

    /** The {@code struct sock_filter} array, little-endian, 8 bytes per instruction. */
    public byte[] compile(SeccompProfile profile) {
        Compilation c = new Compilation(profile);
        byte[] program = c.run();
        if (program.length / 8 > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("the seccomp profile compiles to " + program.length / 8
                    + " BPF instructions; the kernel loads at most " + MAX_INSTRUCTIONS);
        }
        return program;
    }

    /** The rules of one syscall number: conditional ones in order, then the first unconditional one. */
    private static final class SyscallRules {
        final List<SyscallRule> conditional = new ArrayList<>();
        SeccompAction unconditional;

        void add(SyscallRule rule) {
            if (!rule.conditions().isEmpty()) {
                conditional.add(rule);
            } else if (unconditional == null) {
                unconditional = rule.action();
            }
        }
    }

    private final class Compilation {
        private final SeccompProfile profile;
        private final BpfAssembler asm = new BpfAssembler();
        private final Map<Integer, Integer> returns = new HashMap<>();

        Compilation(SeccompProfile profile) {
            this.profile = profile;
        }

        byte[] run() {
            int badArch = ret(SeccompAction.KILL_PROCESS);
            Map<Integer, Set<SeccompArch>> byAuditArch = new LinkedHashMap<>();
            for (SeccompArch arch : SeccompArch.values()) {
                if (profile.arches().contains(arch)) {
                    byAuditArch.computeIfAbsent(arch.auditArch(), a -> EnumSet.noneOf(SeccompArch.class)).add(arch);
                }
            }
            Map<Integer, Integer> sections = new LinkedHashMap<>();
            byAuditArch.forEach((auditArch, arches) -> sections.put(auditArch, section(arches, badArch)));
            int next = badArch;
            List<Integer> auditArches = new ArrayList<>(sections.keySet());
            for (int i = auditArches.size() - 1; i >= 0; i--) {
                next = asm.branch(BpfAssembler.JMP_JEQ_K, auditArches.get(i), sections.get(auditArches.get(i)), next);
            }
            asm.load(OFFSET_ARCH, next);
            return asm.toBytes();
        }

        /** The code for the ABIs sharing one AUDIT_ARCH value; starts by loading the syscall number. */
        private int section(Set<SeccompArch> arches, int badArch) {
            TreeMap<Integer, SyscallRules> byNumber = new TreeMap<>(Integer::compareUnsigned);
            for (SeccompArch arch : arches) {
                for (SyscallRule rule : profile.rules()) {
                    for (String name : rule.names()) {
                        OptionalInt nr = table.number(arch, name);
                        if (nr.isPresent()) {
                            byNumber.computeIfAbsent(nr.getAsInt(), n -> new SyscallRules()).add(rule);
                        }
                    }
                }
            }
            boolean wide = arches.stream().allMatch(SeccompArch::wideArgs);
            int defaultAction = ret(profile.defaultAction());
            List<Integer> starts = new ArrayList<>();
            List<Integer> bodies = new ArrayList<>();
            long end = 0;
            for (Map.Entry<Integer, SyscallRules> entry : byNumber.entrySet()) {
                long nr = Integer.toUnsignedLong(entry.getKey());
                if (nr != end) {
                    interval(starts, bodies, end, defaultAction);
                }
                interval(starts, bodies, nr, body(entry.getValue(), wide, defaultAction));
                end = nr + 1;
            }
            if (end <= 0xffff_ffffL) {
                interval(starts, bodies, end, defaultAction);
            }
            int dispatch = search(starts, bodies, 0, starts.size());
            // x32 shares x86_64's AUDIT_ARCH: its calls are told apart by a bit in the number
            boolean native64 = arches.contains(SeccompArch.X86_64);
            boolean x32 = arches.contains(SeccompArch.X32);
            if (native64 && !x32) {
                // -1 is no call of either ABI (a tracer's skip, or syscall(-1)): it gets the
                // default action and ENOSYS from the kernel rather than a kill, as with libseccomp
                int x32Call = asm.branch(BpfAssembler.JMP_JEQ_K, -1, dispatch, badArch);
                dispatch = asm.branch(BpfAssembler.JMP_JGE_K, SeccompArch.X32_SYSCALL_BIT, x32Call, dispatch);
            } else if (x32 && !native64) {
                dispatch = asm.branch(BpfAssembler.JMP_JGE_K, SeccompArch.X32_SYSCALL_BIT, dispatch, badArch);
            }
            return asm.load(OFFSET_NR, dispatch);
        }

        private int body(SyscallRules rules, boolean wide, int defaultAction) {
            int next = rules.unconditional == null ? defaultAction : ret(rules.unconditional);
            for (int r = rules.conditional.size() - 1; r >= 0; r--) {
                SyscallRule rule = rules.conditional.get(r);
                int matched = ret(rule.action());
                List<ArgCondition> conditions = rule.conditions();
                for (int c = conditions.size() - 1; c >= 0; c--) {
                    matched = new ConditionCode(asm, wide).emit(conditions.get(c), matched, next);
                }
                next = matched;
            }
            return next;
        }

        /**
         * Adds the numbers from {@code start} up to the next interval's start, all going to
         * {@code body}; joins the previous interval when it goes there too.
         */
        private void interval(List<Integer> starts, List<Integer> bodies, long start, int body) {
            if (!bodies.isEmpty() && bodies.get(bodies.size() - 1).intValue() == body) {
                return;
            }
            starts.add((int) start);
            bodies.add(body);
        }

        /** A decision tree over the intervals {@code [from, to)}: a JGE per split, a body per leaf. */
        private int search(List<Integer> starts, List<Integer> bodies, int from, int to) {
            if (to - from == 1) {
                return bodies.get(from);
            }
            int mid = (from + to) >>> 1;
            int upper = search(starts, bodies, mid, to);
            int lower = search(starts, bodies, from, mid);
            return asm.branch(BpfAssembler.JMP_JGE_K, starts.get(mid), upper, lower);
        }

        private int ret(SeccompAction action) {
            return returns.computeIfAbsent(action.ret(), asm::ret);
        }
    }

    /** Offset of the low word of argument {@code index} in seccomp_data (little-endian). */
    static int argLow(int index) {
        return OFFSET_ARGS + 8 * index;
    }

    static int argHigh(int index) {
        return argLow(index) + 4;
    }
}
