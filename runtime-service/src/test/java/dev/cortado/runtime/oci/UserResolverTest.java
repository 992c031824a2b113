package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.Int64Value;
import dev.cortado.cri.v1.LinuxContainerSecurityContext;
import dev.cortado.cri.v1.SupplementalGroupsPolicy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserResolverTest {

    static final String PASSWD = """
            root:x:0:0:root:/root:/bin/sh
            # a comment, then junk lines an image may carry
            +nis
            broken:x:notanumber:1::/:/bin/false
            daemon:x:1:1:daemon:/usr/sbin:/bin/false
            app:x:1000:1000:App:/home/app:/bin/sh
            nohome:x:1001:1001:::/bin/sh
            nobody:x:65534:65534:nobody:/nonexistent:/bin/false
            """;

    static final String GROUP = """
            root:x:0:
            wheel:x:10:root,app
            app:x:1000:
            staff:x:50: app , other
            audio:x:29:other
            nogroup:x:65534:
            """;

    @TempDir
    Path dir;

    private TreeWriter rootfs;

    @BeforeEach
    void setUp() throws IOException {
        rootfs = new TreeWriter(Files.createDirectory(dir.resolve("rootfs")));
    }

    @Test
    void rootByDefaultWithTheGroupsEtcGroupListsRootIn() {
        withImageFiles();
        ResolvedUser user = resolve(LinuxContainerSecurityContext.getDefaultInstance(), null);
        assertEquals(new ResolvedUser(0, 0, List.of(0L, 10L), "/root"), user);
    }

    @Test
    void runAsUsernameLooksTheNameUp() {
        withImageFiles();
        ResolvedUser user = resolve(context().setRunAsUsername("app").build(), "daemon");
        assertEquals(new ResolvedUser(1000, 1000, List.of(10L, 50L, 1000L), "/home/app"), user);
    }

    @Test
    void runAsUserWithoutAPasswdEntryGetsGroupZeroAndHomeSlash() {
        withImageFiles();
        ResolvedUser user = resolve(context().setRunAsUser(int64(4242)).build(), "app");
        assertEquals(new ResolvedUser(4242, 0, List.of(0L), "/"), user);
    }

    @Test
    void runAsUserWithAnEntryTakesItsGroupAndHome() {
        withImageFiles();
        ResolvedUser user = resolve(context().setRunAsUser(int64(1000)).setRunAsGroup(int64(7)).build(), null);
        assertEquals(new ResolvedUser(1000, 7, List.of(7L, 10L, 50L), "/home/app"), user);
    }

    @Test
    void supplementalGroupsAreAddedAndStrictPolicySkipsEtcGroup() {
        withImageFiles();
        LinuxContainerSecurityContext.Builder merge = context().setRunAsUser(int64(1000))
                .addSupplementalGroups(3000).addSupplementalGroups(10);
        assertEquals(List.of(10L, 50L, 1000L, 3000L), resolve(merge.build(), null).additionalGids());
        LinuxContainerSecurityContext strict = merge.setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict).build();
        assertEquals(List.of(10L, 1000L, 3000L), resolve(strict, null).additionalGids());
    }

    @Test
    void imageUserForms() {
        withImageFiles();
        LinuxContainerSecurityContext none = LinuxContainerSecurityContext.getDefaultInstance();
        assertEquals(new ResolvedUser(1000, 1000, List.of(10L, 50L, 1000L), "/home/app"), resolve(none, "app"));
        assertEquals(new ResolvedUser(1000, 29, List.of(10L, 29L, 50L), "/home/app"), resolve(none, "app:audio"));
        assertEquals(new ResolvedUser(1000, 5, List.of(5L, 10L, 50L), "/home/app"), resolve(none, "app:5"));
        assertEquals(new ResolvedUser(1234, 5678, List.of(5678L), "/"), resolve(none, "1234:5678"));
        assertEquals(new ResolvedUser(1234, 29, List.of(29L), "/"), resolve(none, "1234:audio"));
        assertEquals(new ResolvedUser(1, 1, List.of(1L), "/usr/sbin"), resolve(none, "1"));
        assertEquals(new ResolvedUser(1001, 1001, List.of(1001L), "/"), resolve(none, "nohome"));
        assertEquals(new ResolvedUser(1000, 1000, List.of(10L, 50L, 1000L), "/home/app"), resolve(none, "app:"));
    }

    @Test
    void unknownNamesAreRefusedNamingTheField() {
        withImageFiles();
        IllegalArgumentException user = assertThrows(IllegalArgumentException.class,
                () -> resolve(context().setRunAsUsername("nobody2").build(), null));
        assertEquals("linux.security_context.run_as_username: user \"nobody2\" not found in the image's /etc/passwd",
                user.getMessage());
        IllegalArgumentException group = assertThrows(IllegalArgumentException.class,
                () -> resolve(LinuxContainerSecurityContext.getDefaultInstance(), "app:nosuchgroup"));
        assertEquals("image config User \"app:nosuchgroup\": group \"nosuchgroup\" not found in the image's /etc/group",
                group.getMessage());
    }

    @Test
    void namesNeedAPasswdFileNumbersDoNot() {
        rootfs.dir("etc");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolve(LinuxContainerSecurityContext.getDefaultInstance(), "app"));
        assertTrue(e.getMessage().contains("(the image has none)"), e.getMessage());
        assertEquals(new ResolvedUser(0, 0, List.of(0L), "/"), resolve(LinuxContainerSecurityContext.getDefaultInstance(), null));
        assertEquals(new ResolvedUser(99, 0, List.of(0L), "/"), resolve(context().setRunAsUser(int64(99)).build(), null));
    }

    @Test
    void badIdsAndGroupWithoutUserAreRefused() {
        withImageFiles();
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> resolve(context().setRunAsUser(int64(-1)).build(), null));
        assertTrue(negative.getMessage().startsWith("linux.security_context.run_as_user: -1 is not a valid id"),
                negative.getMessage());
        IllegalArgumentException groupOnly = assertThrows(IllegalArgumentException.class,
                () -> resolve(context().setRunAsGroup(int64(5)).build(), "app"));
        assertTrue(groupOnly.getMessage().startsWith("linux.security_context.run_as_group:"), groupOnly.getMessage());
        IllegalArgumentException supplemental = assertThrows(IllegalArgumentException.class,
                () -> resolve(context().addSupplementalGroups(1L << 32).build(), null));
        assertTrue(supplemental.getMessage().startsWith("linux.security_context.supplemental_groups[0]:"),
                supplemental.getMessage());
    }

    @Test
    void passwdLinkedToTheHostsShadowIsNotRead() {
        Path hostShadow = dir.resolve("shadow");
        new TreeWriter(dir).file("shadow", "app:x:0:0:evil:/:/bin/sh\n");
        rootfs.link("etc/passwd", hostShadow.toString());
        rootfs.file("etc/group", GROUP);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolve(context().setRunAsUsername("app").build(), null));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void etcLinkedToSlashReadsTheRootfsTopLevel() {
        rootfs.link("etc", "/");
        rootfs.file("passwd", "app:x:77:88:App:/app:/bin/sh\n");
        rootfs.file("group", "extra:x:99:app\n");
        assertEquals(new ResolvedUser(77, 88, List.of(88L, 99L), "/app"),
                resolve(context().setRunAsUsername("app").build(), null));
    }

    @Test
    void unreadablePasswdIsAClearError() {
        rootfs.dir("etc/passwd");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolve(context().setRunAsUsername("app").build(), null));
        assertEquals("linux.security_context.run_as_username: cannot read the image's /etc/passwd: "
                + "/etc/passwd is not a regular file", e.getMessage());
    }

    private void withImageFiles() {
        rootfs.file("etc/passwd", PASSWD);
        rootfs.file("etc/group", GROUP);
    }

    private ResolvedUser resolve(LinuxContainerSecurityContext context, String imageUser) {
        return new UserResolver(new RootfsPath(rootfs.root())).resolve(UserRequest.of(context, imageUser));
    }

    private static LinuxContainerSecurityContext.Builder context() {
        return LinuxContainerSecurityContext.newBuilder();
    }

    private static Int64Value int64(long value) {
        return Int64Value.newBuilder().setValue(value).build();
    }
}
