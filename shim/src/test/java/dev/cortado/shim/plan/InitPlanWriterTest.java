package dev.cortado.shim.plan;

import static dev.cortado.shim.plan.PlanDecoder.all;
import static dev.cortado.shim.plan.PlanDecoder.one;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.shim.plan.PlanDecoder.Reader;
import dev.cortado.shim.plan.PlanDecoder.Rec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every plan-v1 record, written by the writer and read back byte by byte. */
class InitPlanWriterTest {
    private static final long CAP_CHOWN = 1L;
    private static final long CAP_NET_BIND = 1L << 10;
    private static final long CAP_SYS_ADMIN = 1L << 21;

    private final InitPlanWriter writer = new InitPlanWriter();

    private static InitPlan fullPlan() {
        byte[] filter = new byte[16];
        for (int i = 0; i < filter.length; i++) {
            filter[i] = (byte) (0xF0 + i);
        }
        return new InitPlanBuilder()
                .args("/bin/sh", "-c", "echo héllo")
                .env("PATH=/bin").env("EMPTY=")
                .cwd("/work")
                .hostname("pod-a")
                .rootfs("/run/cortado/containers/c1/rootfs")
                .rootfsReadonly(true)
                .noPivot(true)
                .newNamespaces(InitPlan.CLONE_NEWNS | InitPlan.CLONE_NEWPID | InitPlan.CLONE_NEWUTS)
                .join(InitPlan.CLONE_NEWNET, "/run/cortado/netns/p1")
                .join(InitPlan.CLONE_NEWIPC, "/run/cortado/ipcns/p1")
                .mount(new InitPlan.MountSpec(null, null, null, 0, null,
                        MountFlags.MS_REC | MountFlags.MS_SLAVE, InitPlan.MountSpec.ROOT_PROPAGATION))
                .mount("proc", "/proc", "proc", MountFlags.MS_NOSUID | MountFlags.MS_NODEV, null)
                .mount(new InitPlan.MountSpec("/etc/hosts.c1", "/etc/hosts", "", MountFlags.MS_BIND | MountFlags.MS_RDONLY,
                        "", MountFlags.MS_PRIVATE, InitPlan.MountSpec.FILE))
                .symlink("/proc/self/fd", "/dev/fd")
                .mask("/proc/kcore").mask("/sys/firmware")
                .readonly("/proc/sys")
                .device(new InitPlan.DeviceNode("/dev/null", InitPlanChecks.S_IFCHR, 1, 3, 0666, 0, 0))
                .device(new InitPlan.DeviceNode("/dev/loop0", InitPlanChecks.S_IFBLK, 7, 0, 0660, 0, 6))
                .sysctl("net.ipv4.ip_unprivileged_port_start", "0")
                .sysctl("kernel.shm_rmid_forced", "1")
                .rlimit(7, 1024, 4096)
                .rlimit(4, -1L, -1L)
                .user(1000, 2000)
                .groups(List.of(10, 20, (int) 4000000000L))
                .capabilities(new InitPlan.Capabilities(CAP_CHOWN | CAP_NET_BIND | CAP_SYS_ADMIN,
                        CAP_NET_BIND, CAP_NET_BIND | CAP_CHOWN, CAP_NET_BIND | CAP_CHOWN, CAP_NET_BIND))
                .noNewPrivileges(true)
                .seccomp(new InitPlan.Seccomp(1, filter))
                .oomScoreAdj(-998)
                .cgroupProcs("/sys/fs/cgroup/pids/kubepods/c1/cgroup.procs")
                .cgroupProcs("/sys/fs/cgroup/unified/kubepods/c1/cgroup.procs")
                .tty(true).stdin(true).stdinOnce(true)
                .logMaxLine(8192)
                .build();
    }

    @Test
    void headerCountsEveryRecordAndRecordsComeInTagOrder() {
        byte[] bytes = writer.encode(fullPlan());
        assertArrayEquals("CRTDPLAN".getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOf(bytes, 8));
        assertArrayEquals(new byte[] {1, 0, 0, 0}, java.util.Arrays.copyOfRange(bytes, 8, 12), "version 1, LE");
        List<Rec> records = PlanDecoder.decode(bytes);
        List<Integer> tags = records.stream().map(Rec::tag).toList();
        assertEquals(tags.stream().sorted().toList(), tags);
        // every tag but PAUSE appears in the full plan
        for (PlanTag tag : PlanTag.values()) {
            assertEquals(tag != PlanTag.PAUSE, tags.contains(tag.code()), tag.name());
        }
    }

    @Test
    void stringRecordsAreBareUtf8() {
        List<Rec> r = PlanDecoder.decode(writer.encode(fullPlan()));
        assertEquals(List.of("/bin/sh", "-c", "echo héllo"),
                all(r, PlanTag.ARG).stream().map(x -> x.reader().restString()).toList());
        assertEquals(11, all(r, PlanTag.ARG).get(2).value().length, "ten characters, é in two bytes");
        assertEquals(List.of("PATH=/bin", "EMPTY="), all(r, PlanTag.ENV).stream().map(x -> x.reader().restString()).toList());
        assertEquals("/work", one(r, PlanTag.CWD).reader().restString());
        assertEquals("pod-a", one(r, PlanTag.HOSTNAME).reader().restString());
        assertEquals("/run/cortado/containers/c1/rootfs", one(r, PlanTag.ROOTFS).reader().restString());
        assertEquals(List.of("/proc/kcore", "/sys/firmware"),
                all(r, PlanTag.MASK).stream().map(x -> x.reader().restString()).toList());
        assertEquals("/proc/sys", one(r, PlanTag.READONLY).reader().restString());
        assertEquals(List.of("/sys/fs/cgroup/pids/kubepods/c1/cgroup.procs",
                        "/sys/fs/cgroup/unified/kubepods/c1/cgroup.procs"),
                all(r, PlanTag.CGROUP_PROCS).stream().map(x -> x.reader().restString()).toList());
    }

    @Test
    void booleansAreOneByteOne() {
        List<Rec> r = PlanDecoder.decode(writer.encode(fullPlan()));
        for (PlanTag tag : List.of(PlanTag.ROOTFS_READONLY, PlanTag.NO_PIVOT, PlanTag.NO_NEW_PRIVS, PlanTag.TTY,
                PlanTag.STDIN, PlanTag.STDIN_ONCE)) {
            assertArrayEquals(new byte[] {1}, one(r, tag).value(), tag.name());
        }
        InitPlan pod = new InitPlanBuilder().pause(true).newNamespaces(InitPlan.CLONE_NEWPID).build();
        assertArrayEquals(new byte[] {1}, one(PlanDecoder.decode(writer.encode(pod)), PlanTag.PAUSE).value());
    }

    @Test
    void namespacesAndJoins() {
        List<Rec> r = PlanDecoder.decode(writer.encode(fullPlan()));
        Reader ns = one(r, PlanTag.NEW_NAMESPACES).reader();
        assertEquals(InitPlan.CLONE_NEWNS | InitPlan.CLONE_NEWPID | InitPlan.CLONE_NEWUTS, ns.u32());
        ns.end();
        List<Rec> joins = all(r, PlanTag.JOIN_NAMESPACE);
        assertEquals(2, joins.size());
        Reader net = joins.get(0).reader();
        assertEquals(InitPlan.CLONE_NEWNET, net.u32());
        assertEquals("/run/cortado/netns/p1", net.str());
        net.end();
        Reader ipc = joins.get(1).reader();
        assertEquals(InitPlan.CLONE_NEWIPC, ipc.u32());
        assertEquals("/run/cortado/ipcns/p1", ipc.str());
        ipc.end();
    }

    @Test
    void mountsKeepTheirOrderAndEveryField() {
        List<Rec> mounts = all(PlanDecoder.decode(writer.encode(fullPlan())), PlanTag.MOUNT);
        assertEquals(4, mounts.size());
        assertMount(mounts.get(0), "", "", "", 0, "", MountFlags.MS_REC | MountFlags.MS_SLAVE, 2);
        assertMount(mounts.get(1), "proc", "/proc", "proc", MountFlags.MS_NOSUID | MountFlags.MS_NODEV, "", 0, 0);
        assertMount(mounts.get(2), "/etc/hosts.c1", "/etc/hosts", "", MountFlags.MS_BIND | MountFlags.MS_RDONLY, "",
                MountFlags.MS_PRIVATE, 1);
        assertMount(mounts.get(3), "/proc/self/fd", "/dev/fd", "", 0, "", 0, 3);
    }

    private static void assertMount(Rec rec, String source, String target, String type, long flags, String data,
                                    long propagation, int kind) {
        Reader m = rec.reader();
        assertEquals(source, m.str());
        assertEquals(target, m.str());
        assertEquals(type, m.str());
        assertEquals(flags, m.u64());
        assertEquals(data, m.str());
        assertEquals(propagation, m.u64());
        assertEquals(kind, m.u32());
        m.end();
    }

    @Test
    void devicesSysctlsAndRlimits() {
        List<Rec> r = PlanDecoder.decode(writer.encode(fullPlan()));
        List<Rec> devices = all(r, PlanTag.DEVICE);
        Reader loop = devices.get(1).reader();
        assertEquals("/dev/loop0", loop.str());
        assertEquals(0060000, loop.u32());
        assertEquals(7, loop.u32());
        assertEquals(0, loop.u32());
        assertEquals(0660, loop.u32());
        assertEquals(0, loop.u32());
        assertEquals(6, loop.u32());
        loop.end();
        assertEquals("/dev/null", devices.get(0).reader().str());

        List<Rec> sysctls = all(r, PlanTag.SYSCTL);
        Reader first = sysctls.get(0).reader();
        assertEquals("kernel.shm_rmid_forced", first.str(), "sysctls sorted by key");
        assertEquals("1", first.str());
        first.end();
        assertEquals("net.ipv4.ip_unprivileged_port_start", sysctls.get(1).reader().str());

        List<Rec> limits = all(r, PlanTag.RLIMIT);
        Reader nofile = limits.get(0).reader();
        assertEquals(7, nofile.u32());
        assertEquals(1024, nofile.u64());
        assertEquals(4096, nofile.u64());
        nofile.end();
        Reader core = limits.get(1).reader();
        assertEquals(4, core.u32());
        assertEquals(-1L, core.u64(), "RLIM_INFINITY is all ones");
        assertEquals(-1L, core.u64());
        core.end();
    }

    @Test
    void identityCapabilitiesAndSeccomp() {
        List<Rec> r = PlanDecoder.decode(writer.encode(fullPlan()));
        Reader user = one(r, PlanTag.USER).reader();
        assertEquals(1000, user.u32());
        assertEquals(2000, user.u32());
        user.end();
        Reader groups = one(r, PlanTag.GROUPS).reader();
        assertEquals(10, groups.u32());
        assertEquals(20, groups.u32());
        assertEquals(4000000000L, Integer.toUnsignedLong(groups.u32()), "ids above 2^31 stay unsigned");
        groups.end();
        Reader caps = one(r, PlanTag.CAPS).reader();
        assertEquals(CAP_CHOWN | CAP_NET_BIND | CAP_SYS_ADMIN, caps.u64(), "bounding");
        assertEquals(CAP_NET_BIND, caps.u64(), "effective");
        assertEquals(CAP_NET_BIND | CAP_CHOWN, caps.u64(), "inheritable");
        assertEquals(CAP_NET_BIND | CAP_CHOWN, caps.u64(), "permitted");
        assertEquals(CAP_NET_BIND, caps.u64(), "ambient");
        caps.end();
        Reader seccomp = one(r, PlanTag.SECCOMP).reader();
        assertEquals(1, seccomp.u32());
        byte[] filter = seccomp.rest();
        assertEquals(16, filter.length, "the program follows the flags unprefixed");
        assertEquals((byte) 0xF0, filter[0]);
        assertEquals((byte) 0xFF, filter[15]);
        Reader oom = one(r, PlanTag.OOM_SCORE_ADJ).reader();
        assertEquals(-998, oom.u32());
        oom.end();
        Reader log = one(r, PlanTag.LOG_MAX_LINE).reader();
        assertEquals(8192, log.u32());
        log.end();
    }

    @Test
    void aMinimalPlanHoldsOnlyTheCommandAndTheIdentity() {
        InitPlan plan = new InitPlanBuilder().args("/pause").build();
        byte[] bytes = writer.encode(plan);
        List<Rec> r = PlanDecoder.decode(bytes);
        assertEquals(List.of(PlanTag.ARG.code(), PlanTag.USER.code(), PlanTag.GROUPS.code()),
                r.stream().map(Rec::tag).toList());
        assertEquals(0, one(r, PlanTag.GROUPS).value().length, "an empty GROUPS clears the groups");
        // header 16 + ARG (6 + 6) + USER (6 + 8) + GROUPS (6 + 0)
        assertEquals(16 + 12 + 14 + 6, bytes.length);
    }

    @Test
    void equalPlansGiveEqualBytes() {
        assertArrayEquals(writer.encode(fullPlan()), writer.encode(InitPlanBuilder.from(fullPlan()).build()));
        assertTrue(writer.encode(fullPlan()).length > 500);
    }
}
