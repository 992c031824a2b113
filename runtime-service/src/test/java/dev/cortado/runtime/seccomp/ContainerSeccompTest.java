package dev.cortado.runtime.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.cri.v1.LinuxContainerSecurityContext;
import dev.cortado.cri.v1.SecurityProfile;
import dev.cortado.shim.plan.InitPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerSeccompTest {

    private static final int EPERM = 0x0005_0001;
    private static final int ALLOW = 0x7fff_0000;
    private static final int UNSHARE = 272;
    private static final int MKDIR = 83;

    @TempDir
    Path dir;

    private final ContainerSeccomp seccomp = ContainerSeccomp.standard();

    private static LinuxContainerSecurityContext structured(SecurityProfile.ProfileType type, String ref) {
        return LinuxContainerSecurityContext.newBuilder()
                .setSeccomp(SecurityProfile.newBuilder().setProfileType(type).setLocalhostRef(ref)).build();
    }

    private static LinuxContainerSecurityContext path(String path) {
        return LinuxContainerSecurityContext.newBuilder().setSeccompProfilePath(path).build();
    }

    private static ClassicBpf filter(Optional<SeccompFilter> seccomp) {
        return new ClassicBpf(seccomp.orElseThrow(() -> new AssertionError("no filter")).plan().filter());
    }

    @Test
    void runtimeDefaultFromEitherField() {
        for (LinuxContainerSecurityContext security : new LinuxContainerSecurityContext[] {
                structured(SecurityProfile.ProfileType.RuntimeDefault, ""), path("runtime/default"),
                path("docker/default")}) {
            ClassicBpf filter = filter(seccomp.forContainer(security, 0));
            assertEquals(EPERM, filter.run(ClassicBpf.AUDIT_ARCH_X86_64, UNSHARE), security.toString());
            assertEquals(ALLOW, filter.run(ClassicBpf.AUDIT_ARCH_X86_64, MKDIR), security.toString());
        }
    }

    @Test
    void unconfinedEmptyAndPrivilegedLoadNothing() {
        assertEquals(Optional.empty(), seccomp.forContainer(structured(SecurityProfile.ProfileType.Unconfined, ""), 0));
        assertEquals(Optional.empty(), seccomp.forContainer(path("unconfined"), 0));
        assertEquals(Optional.empty(), seccomp.forContainer(path(""), 0));
        assertEquals(Optional.empty(), seccomp.forContainer(LinuxContainerSecurityContext.newBuilder()
                .setPrivileged(true).setSeccompProfilePath("runtime/default").build(), 0));
    }

    @Test
    void theStructuredFieldWinsOverThePathString() {
        LinuxContainerSecurityContext both = structured(SecurityProfile.ProfileType.Unconfined, "").toBuilder()
                .setSeccompProfilePath("runtime/default").build();
        assertEquals(Optional.empty(), seccomp.forContainer(both, 0));
    }

    @Test
    void localhostFromEitherField() throws IOException {
        Path profile = Files.writeString(dir.resolve("deny-mkdir.json"), """
                {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
                 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
                """);
        for (LinuxContainerSecurityContext security : new LinuxContainerSecurityContext[] {
                structured(SecurityProfile.ProfileType.Localhost, profile.toString()), path("localhost/" + profile)}) {
            InitPlan.Seccomp plan = seccomp.forContainer(security, 0).orElseThrow().plan();
            assertEquals(4, plan.flags());
            ClassicBpf filter = new ClassicBpf(plan.filter());
            assertEquals(EPERM, filter.run(ClassicBpf.AUDIT_ARCH_X86_64, MKDIR));
            assertEquals(ALLOW, filter.run(ClassicBpf.AUDIT_ARCH_X86_64, UNSHARE));
        }
    }

    @Test
    void theProfileWrittenToConfigJsonReadsBackAsTheSameProfile() {
        SeccompProfile runtimeDefault = RuntimeDefaultProfile.load().forCapabilities(0);
        ObjectNode json = OciSeccompJson.render(runtimeDefault);
        assertEquals("SCMP_ACT_ERRNO", json.get("defaultAction").asText());
        assertEquals(1, json.get("defaultErrnoRet").asInt());
        assertEquals(runtimeDefault, new LocalhostProfile(new KernelVersion(6, 18)).parse(json, 0));
        SeccompProfile wide = new SeccompProfile(new SeccompAction(SeccompAction.Kind.TRACE, 7),
                java.util.Set.of(SeccompArch.X86_64), java.util.List.of(new SyscallRule(java.util.List.of("ioctl"),
                        SeccompAction.KILL_PROCESS, java.util.List.of(new ArgCondition(1, CompareOp.MASKED_EQ,
                                0xffff_0000_0000_0000L, 0x8000_0000_0000_0000L)))), 3);
        ObjectNode wideJson = OciSeccompJson.render(wide);
        assertEquals("18446462598732840960", wideJson.at("/syscalls/0/args/0/value").asText());
        assertEquals(java.util.List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG"),
                java.util.List.of(wideJson.at("/flags/0").asText(), wideJson.at("/flags/1").asText()));
        assertEquals(wide, new LocalhostProfile(new KernelVersion(6, 18)).parse(wideJson, 0));
    }

    @Test
    void badInputNamesTheField() throws IOException {
        assertRefused("linux.security_context.seccomp_profile_path: \"runtime/strict\" is not a seccomp profile",
                path("runtime/strict"));
        assertRefused("linux.security_context.seccomp_profile_path: \"relative.json\" is not an absolute path",
                path("localhost/relative.json"));
        assertRefused("linux.security_context.seccomp.localhost_ref: \"\" is not an absolute path",
                structured(SecurityProfile.ProfileType.Localhost, ""));
        Path missing = dir.resolve("missing.json");
        assertRefused("linux.security_context.seccomp.localhost_ref: the profile " + missing + " does not exist",
                structured(SecurityProfile.ProfileType.Localhost, missing.toString()));
        Path garbage = Files.writeString(dir.resolve("garbage.json"), "{not json");
        assertRefused("linux.security_context.seccomp_profile_path: the profile " + garbage + " is not valid JSON",
                path("localhost/" + garbage));
    }

    @Test
    void withoutNoNewPrivsAProfileMustLetTheInitDropItsPrivileges() throws IOException {
        Path strict = Files.writeString(dir.resolve("allow-list.json"), """
                {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
                  {"names": ["read", "write", "prctl", "capset"], "action": "SCMP_ACT_ALLOW"},
                  {"names": ["setresuid"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_NE"}]}]}
                """);
        assertRefused("linux.security_context.seccomp.localhost_ref: the profile " + strict
                        + " denies setgroups, setresgid, execve, which the container's init still needs",
                structured(SecurityProfile.ProfileType.Localhost, strict.toString()));
        assertTrue(seccomp.forContainer(structured(SecurityProfile.ProfileType.Localhost, strict.toString())
                .toBuilder().setNoNewPrivs(true).build(), 0).isPresent());
    }

    private void assertRefused(String expected, LinuxContainerSecurityContext security) {
        String message = assertThrows(IllegalArgumentException.class, () -> seccomp.forContainer(security, 0))
                .getMessage();
        assertTrue(message.startsWith(expected), message);
    }
}
