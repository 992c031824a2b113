package dev.cortado.runtime.seccomp;

import static dev.cortado.runtime.seccomp.ClassicBpf.AUDIT_ARCH_AARCH64;
import static dev.cortado.runtime.seccomp.ClassicBpf.AUDIT_ARCH_I386;
import static dev.cortado.runtime.seccomp.ClassicBpf.AUDIT_ARCH_X86_64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FilterCompilerTest {

    private static final int ALLOW = 0x7fff_0000;
    private static final int EPERM = 0x0005_0001;
    private static final int ENOSYS = 0x0005_0026;
    private static final int KILL_PROCESS = 0x8000_0000;
    private static final long CAP_SYS_ADMIN = 1L << 21;
    private static final long CLONE_NEWNS = 0x20000;
    private static final long CLONE_NEWUSER = 0x1000_0000;
    private static final long THREAD_FLAGS = 0x003d_0f00;

    private final SyscallTable table = SyscallTable.load();
    private final FilterCompiler compiler = new FilterCompiler(table);
    private final RuntimeDefaultProfile runtimeDefault = RuntimeDefaultProfile.load();

    private int nr(SeccompArch arch, String name) {
        return table.number(arch, name).orElseThrow(() -> new AssertionError(arch + " has no " + name));
    }

    private ClassicBpf runtimeDefault(long bounding) {
        return new ClassicBpf(compiler.compile(runtimeDefault.forCapabilities(bounding)));
    }

    @Test
    void tablesHoldTheKernelsNumbers() {
        assertEquals(0, nr(SeccompArch.X86_64, "read"));
        assertEquals(83, nr(SeccompArch.X86_64, "mkdir"));
        assertEquals(272, nr(SeccompArch.X86_64, "unshare"));
        assertEquals(250, nr(SeccompArch.X86_64, "keyctl"));
        assertEquals(310, nr(SeccompArch.X86, "unshare"));
        assertEquals(0x4000_0000 | 272, nr(SeccompArch.X32, "unshare"));
        assertEquals(0x4000_0000 | 512, nr(SeccompArch.X32, "rt_sigaction"));
        assertTrue(table.number(SeccompArch.X86_64, "socketcall").isEmpty());
    }

    @Test
    void runtimeDefaultAllowsOrdinaryWorkAndDeniesTheRestWithEperm() {
        ClassicBpf filter = runtimeDefault(0);
        assertTrue(filter.length() < 1000, "RuntimeDefault is " + filter.length() + " instructions");
        for (String name : List.of("read", "write", "openat", "execve", "mkdir", "futex", "exit_group", "wait4",
                "setresuid", "setgroups", "capset", "prctl", "arch_prctl", "rt_sigreturn", "connect", "ptrace")) {
            assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, nr(SeccompArch.X86_64, name)), name);
        }
        for (String name : List.of("unshare", "keyctl", "add_key", "mount", "umount2", "setns", "reboot",
                "init_module", "chroot", "bpf", "kexec_load", "pivot_root", "swapon", "open_by_handle_at")) {
            assertEquals(EPERM, filter.run(AUDIT_ARCH_X86_64, nr(SeccompArch.X86_64, name)), name);
        }
        assertEquals(EPERM, filter.run(AUDIT_ARCH_X86_64, 999), "a number no table has");
        assertEquals(EPERM, filter.run(AUDIT_ARCH_X86_64, -1), "the skipped-syscall number");
    }

    @Test
    void runtimeDefaultAgreesWithTheProfileOnEveryNumberOfEveryAbi() {
        long[][] argSets = {{}, {40}, {0x20000}, {17 | CLONE_NEWNS}, {THREAD_FLAGS}, {8}, {0xffff_ffffL},
                {0xffff_ffffL | 1L << 40}, {-1L}};
        for (long bounding : new long[] {0, CAP_SYS_ADMIN, -1L}) {
            SeccompProfile profile = runtimeDefault.forCapabilities(bounding);
            ClassicBpf filter = new ClassicBpf(compiler.compile(profile));
            ProfileReference reference = new ProfileReference(profile, table);
            int[][] ranges = {{AUDIT_ARCH_X86_64, 0, 600}, {AUDIT_ARCH_X86_64, 0x4000_0000, 0x4000_0260},
                    {AUDIT_ARCH_I386, 0, 600}, {AUDIT_ARCH_X86_64, -2, 0}, {AUDIT_ARCH_AARCH64, 0, 3}};
            for (int[] range : ranges) {
                for (int nr = range[1]; nr < range[2]; nr++) {
                    for (long[] args : argSets) {
                        int n = nr;
                        assertEquals(reference.verdict(range[0], nr, args), filter.run(range[0], nr, args),
                                () -> "arch " + Integer.toHexString(range[0]) + " nr " + Integer.toHexString(n)
                                        + " args " + java.util.Arrays.toString(args) + " caps " + bounding);
                    }
                }
            }
        }
    }

    @Test
    void runtimeDefaultArgumentRules() {
        ClassicBpf filter = runtimeDefault(0);
        int socket = nr(SeccompArch.X86_64, "socket");
        assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, socket, 2, 1, 0));
        assertEquals(EPERM, filter.run(AUDIT_ARCH_X86_64, socket, 40, 1, 0), "AF_VSOCK");
        assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, socket, 40L | 1L << 32, 1, 0), "only all 64 bits are 40");
        int personality = nr(SeccompArch.X86_64, "personality");
        for (long allowed : new long[] {0, 8, 0x20000, 0x20008, 0xffff_ffffL}) {
            assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, personality, allowed), "personality " + allowed);
        }
        assertEquals(EPERM, filter.run(AUDIT_ARCH_X86_64, personality, 0x0040_0000), "READ_IMPLIES_EXEC");
        int clone = nr(SeccompArch.X86_64, "clone");
        assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, clone, THREAD_FLAGS), "a thread");
        assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, clone, 17), "fork (SIGCHLD)");
        assertEquals(EPERM, filter.run(AUDIT_ARCH_X86_64, clone, 17 | CLONE_NEWNS));
        assertEquals(EPERM, filter.run(AUDIT_ARCH_X86_64, clone, 17 | CLONE_NEWUSER));
        assertEquals(ENOSYS, filter.run(AUDIT_ARCH_X86_64, nr(SeccompArch.X86_64, "clone3")));
    }

    @Test
    void sysAdminOpensTheNamespaceAndMountCalls() {
        ClassicBpf filter = runtimeDefault(CAP_SYS_ADMIN);
        for (String name : List.of("unshare", "mount", "setns", "umount2", "clone3")) {
            assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, nr(SeccompArch.X86_64, name)), name);
        }
        assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, nr(SeccompArch.X86_64, "clone"), 17 | CLONE_NEWNS));
        assertEquals(EPERM, filter.run(AUDIT_ARCH_X86_64, nr(SeccompArch.X86_64, "keyctl")));
    }

    @Test
    void runtimeDefaultCoversI386AndX32AndKillsForeignArchitectures() {
        ClassicBpf filter = runtimeDefault(0);
        assertEquals(ALLOW, filter.run(AUDIT_ARCH_I386, nr(SeccompArch.X86, "read")));
        assertEquals(ALLOW, filter.run(AUDIT_ARCH_I386, nr(SeccompArch.X86, "socketcall")));
        assertEquals(EPERM, filter.run(AUDIT_ARCH_I386, nr(SeccompArch.X86, "unshare")));
        assertEquals(EPERM, filter.run(AUDIT_ARCH_I386, nr(SeccompArch.X86, "socket"), 40));
        assertEquals(ALLOW, filter.run(AUDIT_ARCH_I386, nr(SeccompArch.X86, "socket"), 40L << 32 | 2),
                "a 32-bit ABI has no high word to compare");
        assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, nr(SeccompArch.X32, "read")));
        assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, nr(SeccompArch.X32, "rt_sigaction")));
        assertEquals(EPERM, filter.run(AUDIT_ARCH_X86_64, nr(SeccompArch.X32, "unshare")));
        assertEquals(KILL_PROCESS, filter.run(AUDIT_ARCH_AARCH64, 63));
    }

    @Test
    void aProfileForTheNativeAbiOnlyKillsX32AndI386Calls() {
        SeccompProfile profile = new SeccompProfile(SeccompAction.ALLOW, Set.of(SeccompArch.X86_64),
                List.of(SyscallRule.of(SeccompAction.errno(1), List.of("mkdir", "mkdirat"))), 0);
        ClassicBpf filter = new ClassicBpf(compiler.compile(profile));
        assertEquals(EPERM, filter.run(AUDIT_ARCH_X86_64, 83));
        assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, 0));
        assertEquals(KILL_PROCESS, filter.run(AUDIT_ARCH_X86_64, nr(SeccompArch.X32, "read")));
        assertEquals(KILL_PROCESS, filter.run(AUDIT_ARCH_I386, nr(SeccompArch.X86, "mkdir")));
        assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, -1), "-1 is nobody's call: the default action");
        assertEquals(KILL_PROCESS, filter.run(AUDIT_ARCH_X86_64, -2));
    }

    @Test
    void unknownNamesAreSkippedAndConditionalRulesComeFirst() {
        SeccompProfile profile = new SeccompProfile(SeccompAction.errno(1), Set.of(SeccompArch.X86_64), List.of(
                SyscallRule.of(SeccompAction.ALLOW, List.of("no_such_call", "socket", "write")),
                new SyscallRule(List.of("socket"), SeccompAction.errno(13), List.of(ArgCondition.of(0, CompareOp.EQ, 40))),
                // ANDed conditions within a rule, rules ORed
                new SyscallRule(List.of("write"), SeccompAction.errno(5), List.of(ArgCondition.of(0, CompareOp.EQ, 1),
                        ArgCondition.of(2, CompareOp.GT, 100))),
                new SyscallRule(List.of("write"), SeccompAction.errno(6), List.of(ArgCondition.of(0, CompareOp.EQ, 2)))),
                0);
        ClassicBpf filter = new ClassicBpf(compiler.compile(profile));
        assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, 41, 2));
        assertEquals(0x0005_000d, filter.run(AUDIT_ARCH_X86_64, 41, 40));
        assertEquals(0x0005_0005, filter.run(AUDIT_ARCH_X86_64, 1, 1, 0, 101));
        assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, 1, 1, 0, 100));
        assertEquals(0x0005_0006, filter.run(AUDIT_ARCH_X86_64, 1, 2, 0, 101));
        assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, 1, 3, 0, 101));
        assertEquals(EPERM, filter.run(AUDIT_ARCH_X86_64, 0));
    }

    @Test
    void argumentComparisonsMatchUnsigned64BitArithmetic() {
        long[] operands = {0, 1, 40, 0xffff_ffffL, 0x1_0000_0000L, 0x1_0000_0028L, 0x8000_0000_0000_0000L, -1L,
                0x7fff_ffff_ffff_ffffL, 0xdead_beef_0000_0040L};
        Random random = new Random(42);
        List<Long> samples = new ArrayList<>();
        for (long v : operands) {
            samples.addAll(List.of(v, v + 1, v - 1, v ^ 0x1_0000_0000L, v ^ 1));
        }
        for (int i = 0; i < 50; i++) {
            samples.add(random.nextLong());
        }
        for (CompareOp op : CompareOp.values()) {
            for (long operand : operands) {
                long valueTwo = op == CompareOp.MASKED_EQ ? operand & 0x0000_00ff_0000_00f0L : 0;
                ArgCondition condition = new ArgCondition(3, op, operand, valueTwo);
                SeccompProfile profile = new SeccompProfile(SeccompAction.ALLOW,
                        EnumSet.of(SeccompArch.X86_64, SeccompArch.X86),
                        List.of(new SyscallRule(List.of("getpid"), SeccompAction.errno(7), List.of(condition))), 0);
                ClassicBpf filter = new ClassicBpf(compiler.compile(profile));
                for (long arg : samples) {
                    int expected64 = holds(condition, arg) ? 0x0005_0007 : ALLOW;
                    assertEquals(expected64, filter.run(AUDIT_ARCH_X86_64, 39, 0, 0, 0, arg),
                            () -> op + " " + Long.toUnsignedString(operand) + " on " + Long.toUnsignedString(arg));
                    long low = arg & 0xffff_ffffL;
                    ArgCondition narrow = new ArgCondition(3, op, operand & 0xffff_ffffL, valueTwo & 0xffff_ffffL);
                    int expected32 = holds(narrow, low) ? 0x0005_0007 : ALLOW;
                    assertEquals(expected32, filter.run(AUDIT_ARCH_I386, 20, 0, 0, 0, arg),
                            () -> "i386 " + op + " " + Long.toUnsignedString(operand) + " on " + arg);
                }
            }
        }
    }

    private static boolean holds(ArgCondition c, long arg) {
        int cmp = Long.compareUnsigned(arg, c.value());
        return switch (c.op()) {
            case EQ -> cmp == 0;
            case NE -> cmp != 0;
            case LT -> cmp < 0;
            case LE -> cmp <= 0;
            case GT -> cmp > 0;
            case GE -> cmp >= 0;
            case MASKED_EQ -> (arg & c.value()) == c.valueTwo();
        };
    }

    @Test
    void longProgramsReachEveryRuleThroughFarJumps() {
        List<String> all = table.namesOf(SeccompArch.X86_64);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 2) {
            names.add(all.get(i));
        }
        List<SyscallRule> rules = new ArrayList<>();
        for (String name : names) {
            int n = nr(SeccompArch.X86_64, name);
            rules.add(new SyscallRule(List.of(name), SeccompAction.errno(n % 4000 + 1),
                    List.of(ArgCondition.of(0, CompareOp.EQ, n), ArgCondition.of(1, CompareOp.LE, 1000L + n))));
        }
        SeccompProfile profile = new SeccompProfile(SeccompAction.ALLOW, Set.of(SeccompArch.X86_64), rules, 0);
        ClassicBpf filter = new ClassicBpf(compiler.compile(profile));
        assertTrue(filter.length() > 2000, "the program is long enough to need far jumps: " + filter.length());
        for (String name : names) {
            int n = nr(SeccompArch.X86_64, name);
            assertEquals(0x0005_0000 | (n % 4000 + 1), filter.run(AUDIT_ARCH_X86_64, n, n, 1000L + n), name);
            assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, n, n, 1001L + n), name);
            assertEquals(ALLOW, filter.run(AUDIT_ARCH_X86_64, n, n + 1, 0), name);
        }
    }

    @Test
    void aProgramTooLongForTheKernelIsRefused() {
        List<SyscallRule> rules = new ArrayList<>();
        for (int i = 0; i < 1100; i++) {
            rules.add(new SyscallRule(List.of("ioctl"), SeccompAction.errno(1),
                    List.of(ArgCondition.of(1, CompareOp.EQ, i))));
        }
        SeccompProfile profile = new SeccompProfile(SeccompAction.ALLOW, Set.of(SeccompArch.X86_64), rules, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compiler.compile(profile));
        assertTrue(e.getMessage().contains("at most 4096"), e.getMessage());
    }
}
