package dev.cortado.shim.plan;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Plans the shim would fail on late, or that would touch the host, are refused with a reason. */
class InitPlanValidationTest {
    private final InitPlanWriter writer = new InitPlanWriter();

    private static InitPlanBuilder container() {
        return new InitPlanBuilder().args("/bin/sh").rootfs("/run/c/rootfs")
                .newNamespaces(InitPlan.CLONE_NEWNS | InitPlan.CLONE_NEWPID | InitPlan.CLONE_NEWUTS);
    }

    private void refused(String expected, UnaryOperator<InitPlanBuilder> change) {
        InvalidPlanException e = assertThrows(InvalidPlanException.class,
                () -> writer.encode(change.apply(container()).build()));
        assertTrue(e.getMessage().startsWith("init plan: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), "expected \"" + expected + "\" in: " + e.getMessage());
    }

    @Test
    void theUnmodifiedPlanIsAccepted() {
        assertTrue(writer.encode(container().build()).length > 16);
    }

    @Test
    void stringsWithNulOrLoneSurrogatesAreRefused() {
        refused("ARG \"a\\x00b\" contains a NUL", b -> b.args("/bin/sh", "a\0b"));
        refused("ENV \"A=\\x00\" contains a NUL", b -> b.env("A=\0"));
        refused("HOSTNAME", b -> b.hostname("x\0"));
        refused("MOUNT /tmp data", b -> b.mount("tmpfs", "/tmp", "tmpfs", 0, "size=1\0"));
        refused("not valid Unicode", b -> b.env("A=\ud800"));
        refused("SYSCTL kernel.msgmax value", b -> b.sysctl("kernel.msgmax", "1\0"));
    }

    @Test
    void hostPathsMustBeAbsolute() {
        refused("ROOTFS \"rootfs\" must be an absolute path", b -> b.rootfs("rootfs"));
        refused("JOIN_NAMESPACE path \"netns/p\" must be an absolute path",
                b -> b.join(InitPlan.CLONE_NEWNET, "netns/p"));
        refused("CWD \"work\" must be an absolute path", b -> b.cwd("work"));
        refused("MASK \"proc/kcore\" must be an absolute path", b -> b.mask("proc/kcore"));
        refused("CGROUP_PROCS \"/sys/fs/cgroup/x\" is not an absolute path to a cgroup.procs file",
                b -> b.cgroupProcs("/sys/fs/cgroup/x"));
    }

    @Test
    void sizesAreBounded() {
        refused("at most 4095 are allowed", b -> b.rootfs("/" + "a".repeat(4095)));
        refused("at most 64 are allowed", b -> b.hostname("h".repeat(65)));
        refused("at most 131071 are allowed", b -> b.args("/bin/sh", "x".repeat(131072)));
        refused("SECCOMP filter is 12 bytes", b -> b.seccomp(new InitPlan.Seccomp(0, new byte[12])));
        refused("SECCOMP filter is 0 bytes", b -> b.seccomp(new InitPlan.Seccomp(0, new byte[0])));
        refused("LOG_MAX_LINE -1", b -> b.logMaxLine(-1));
        refused("OOM_SCORE_ADJ 1001", b -> b.oomScoreAdj(1001));
        refused("RLIMIT resource 16 does not exist", b -> b.rlimit(16, 1, 1));
        refused("soft limit 18446744073709551615 is above the hard limit 10", b -> b.rlimit(7, -1L, 10));
        refused("RLIMIT resource 7 is given twice", b -> b.rlimit(7, 1, 1).rlimit(7, 2, 2));
    }

    @Test
    void namespacesMustMakeSense() {
        refused("user namespaces are not supported", b -> b.newNamespaces(InitPlan.CLONE_NEWNS | InitPlan.CLONE_NEWUSER));
        refused("bits that are not namespaces", b -> b.newNamespaces(InitPlan.CLONE_NEWNS | 0x11));
        refused("is not one namespace bit", b -> b.join(InitPlan.CLONE_NEWNET | InitPlan.CLONE_NEWIPC, "/x"));
        refused("both joined (/proc/1/ns/pid) and created new", b -> b.join(InitPlan.CLONE_NEWPID, "/proc/1/ns/pid"));
        refused("joined twice", b -> b.join(InitPlan.CLONE_NEWNET, "/a").join(InitPlan.CLONE_NEWNET, "/b"));
        refused("HOSTNAME \"h\" needs a new UTS namespace", b -> b.newNamespaces(InitPlan.CLONE_NEWNS).hostname("h"));
        refused("need a new mount namespace", b -> b.newNamespaces(InitPlan.CLONE_NEWPID));
    }

    @Test
    void mountsDevicesAndSysctlsMustBeWellFormed() {
        refused("has kind 4", b -> b.mount(new InitPlan.MountSpec("a", "/a", "tmpfs", 0, "", 0, 4)));
        refused("propagation 0x140000 is not one of", b -> b.mount(new InitPlan.MountSpec("a", "/b", "tmpfs", 0, "",
                MountFlags.MS_SHARED | MountFlags.MS_PRIVATE, 0)));
        refused("propagation 0x1 is not one of", b -> b.mount(new InitPlan.MountSpec("a", "/b", "tmpfs", 0, "",
                MountFlags.MS_RDONLY, 0)));
        refused("more than one MOUNT of kind ROOT_PROPAGATION", b -> b
                .mount(new InitPlan.MountSpec("", "", "", 0, "", MountFlags.MS_PRIVATE, 2))
                .mount(new InitPlan.MountSpec("", "", "", 0, "", MountFlags.MS_SLAVE, 2)));
        refused("needs a target below the root", b -> b.mount("tmpfs", "/", "tmpfs", 0, ""));
        refused("neither a filesystem type nor MS_BIND", b -> b.mount("/x", "/y", "", 0, ""));
        refused("is a symlink with no text", b -> b.symlink("", "/dev/fd"));
        refused("device nodes are made below /dev/",
                b -> b.device(new InitPlan.DeviceNode("/etc/null", InitPlanChecks.S_IFCHR, 1, 3, 0666, 0, 0)));
        refused("neither S_IFCHR", b -> b.device(new InitPlan.DeviceNode("/dev/x", 0010000, 1, 3, 0666, 0, 0)));
        refused("mode 010666 has bits beyond 07777",
                b -> b.device(new InitPlan.DeviceNode("/dev/x", InitPlanChecks.S_IFCHR, 1, 3, 010666, 0, 0)));
        refused("SYSCTL key \"net/ipv4/ip_forward\"", b -> b.sysctl("net/ipv4/ip_forward", "1"));
        refused("SYSCTL key \"net..x\"", b -> b.sysctl("net..x", "1"));
        refused("ENV \"NOVALUE\" is not of the form NAME=value", b -> b.env("NOVALUE"));
    }

    @Test
    void identitiesAndCapabilitiesMustBeAcceptedByTheKernel() {
        refused("USER uid -1 is not a valid id", b -> b.user(-1, 0));
        refused("GROUPS entry -1", b -> b.groups(List.of(5, -1)));
        refused("effective capabilities 0x3 are not all permitted (0x1)",
                b -> b.capabilities(new InitPlan.Capabilities(3, 3, 0, 1, 0)));
        refused("ambient capabilities 0x2 must be both permitted and inheritable (0x0)",
                b -> b.capabilities(new InitPlan.Capabilities(3, 0, 1, 2, 2)));
    }

    @Test
    void aCommandIsNeededUnlessThePlanIsAPodInit() {
        assertThrows(IllegalArgumentException.class, () -> new InitPlanBuilder().build());
        refused("ARG 0 (the program) is empty", b -> b.args(""));
    }
}
