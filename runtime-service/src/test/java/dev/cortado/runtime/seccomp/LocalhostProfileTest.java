package dev.cortado.runtime.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalhostProfileTest {

    private static final long CAP_SYS_ADMIN = 1L << 21;

    @TempDir
    Path dir;

    private final LocalhostProfile reader = new LocalhostProfile(new KernelVersion(6, 18));

    private Path write(String json) throws IOException {
        return Files.writeString(dir.resolve("profile.json"), json);
    }

    private SeccompProfile read(String json) throws IOException {
        return reader.read(write(json), 0);
    }

    private String refusal(String json) throws IOException {
        Path file = write(json);
        return assertThrows(IllegalArgumentException.class, () -> reader.read(file, 0)).getMessage();
    }

    @Test
    void readsTheOciAndDockerFields() throws IOException {
        SeccompProfile profile = read("""
                {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
                 "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64", "SCMP_ARCH_X86"],
                 "flags": ["SECCOMP_FILTER_FLAG_LOG"],
                 "syscalls": [
                   {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
                   {"name": "mkdir", "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
                   {"names": ["socket"], "action": "SCMP_ACT_KILL_PROCESS",
                    "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_EQ"},
                             {"index": 1, "value": 18446744073709551615, "valueTwo": 2, "op": "SCMP_CMP_MASKED_EQ"}]},
                   {"names": ["ptrace"], "action": "SCMP_ACT_TRACE"},
                   {"names": ["kill"], "action": "SCMP_ACT_KILL"},
                   {"names": ["tkill"], "action": "SCMP_ACT_LOG"},
                   {"names": ["tgkill"], "action": "SCMP_ACT_TRAP"}
                 ]}
                """);
        assertEquals(SeccompAction.errno(38), profile.defaultAction());
        assertEquals(EnumSet.of(SeccompArch.X86_64, SeccompArch.X86), profile.arches());
        assertEquals(2, profile.flags());
        assertEquals(List.of(
                SyscallRule.of(SeccompAction.ALLOW, List.of("read", "write")),
                SyscallRule.of(SeccompAction.errno(13), List.of("mkdir")),
                new SyscallRule(List.of("socket"), SeccompAction.KILL_PROCESS, List.of(
                        ArgCondition.of(0, CompareOp.EQ, 40), new ArgCondition(1, CompareOp.MASKED_EQ, -1L, 2))),
                SyscallRule.of(new SeccompAction(SeccompAction.Kind.TRACE, 1), List.of("ptrace")),
                SyscallRule.of(new SeccompAction(SeccompAction.Kind.KILL_THREAD, 0), List.of("kill")),
                SyscallRule.of(new SeccompAction(SeccompAction.Kind.LOG, 0), List.of("tkill")),
                SyscallRule.of(new SeccompAction(SeccompAction.Kind.TRAP, 0), List.of("tgkill"))), profile.rules());
    }

    @Test
    void withoutArchitecturesOnlyTheNativeAbiAndArchMapPicksTheNativeEntry() throws IOException {
        assertEquals(Set.of(SeccompArch.X86_64), read("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}").arches());
        SeccompProfile mapped = read("""
                {"defaultAction": "SCMP_ACT_ALLOW", "archMap": [
                  {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]},
                  {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]}]}
                """);
        assertEquals(EnumSet.allOf(SeccompArch.class), mapped.arches());
        assertEquals(SeccompAction.ALLOW, mapped.defaultAction());
    }

    @Test
    void dockerIncludesAndExcludesFollowTheCapabilitiesAndThisNode() throws IOException {
        Path file = write("""
                {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
                  {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
                  {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
                   "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
                  {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
                  {"names": ["set_tls"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["arm64"]}},
                  {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
                  {"names": ["futex_wake"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "7.1"}}]}
                """);
        assertEquals(List.of(List.of("clone3"), List.of("arch_prctl"), List.of("ptrace")),
                reader.read(file, 0).rules().stream().map(SyscallRule::names).toList());
        assertEquals(List.of(List.of("mount"), List.of("arch_prctl"), List.of("ptrace")),
                reader.read(file, CAP_SYS_ADMIN).rules().stream().map(SyscallRule::names).toList());
    }

    @Test
    void refusalsSayWhatIsWrongAndWhere() throws IOException {
        String missing = assertThrows(IllegalArgumentException.class,
                () -> reader.read(dir.resolve("nope.json"), 0)).getMessage();
        assertTrue(missing.contains("nope.json does not exist"), missing);
        assertTrue(refusal("{\"defaultAction\": ").contains("is not valid JSON"));
        assertTrue(refusal("[1]").contains("is not a JSON object"));
        assertTrue(refusal("{}").contains("defaultAction: missing"));
        assertTrue(refusal("{\"defaultAction\": \"SCMP_ACT_NOPE\"}").contains("unknown action \"SCMP_ACT_NOPE\""));
        String notify = refusal("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
                + "[{\"names\": [\"read\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}");
        assertTrue(notify.contains("syscalls[0].action: SCMP_ACT_NOTIFY needs a seccomp agent"), notify);
        assertTrue(refusal("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/agent.sock\"}")
                .contains("listenerPath"));
        assertTrue(refusal("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"action\": \"SCMP_ACT_ERRNO\"}]}")
                .contains("syscalls[0]: no syscall names"));
        String index = refusal("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
                + "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}");
        assertTrue(index.contains("syscalls[0].args[0].index: 6 is not 0 to 5"), index);
        String op = refusal("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
                + "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_ABOUT\"}]}]}");
        assertTrue(op.contains("syscalls[0].args[0].op: unknown operator \"SCMP_CMP_ABOUT\""), op);
        String errno = refusal("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
                + "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 70000}]}");
        assertTrue(errno.contains("syscalls[0].errnoRet: 70000 is not 0 to 4095"), errno);
        assertTrue(refusal("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]}")
                .contains("unsupported flag"));
        String cap = refusal("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
                + "\"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"caps\": [\"CAP_FLY\"]}}]}");
        assertTrue(cap.contains("syscalls[0].includes.caps: unknown capability \"CAP_FLY\""), cap);
    }
}
