package dev.cortado.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.shim.plan.InitPlan;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Plan records written by InitPlanWriter and carried out by the real shim: what the container
 * sees proves that both sides read the bytes the same way.
 */
class ShimPlanEffectsTest {
    private static final long CAP_NET_BIND_SERVICE = 1L << 10;
    private static final int RLIMIT_NOFILE = 7;
    private static final int PR_SET_NO_NEW_PRIVS_SECCOMP_FLAGS = 0;

    private ShimSandbox sandbox;

    @BeforeEach
    void open() throws Exception {
        sandbox = ShimSandbox.open();
    }

    @AfterEach
    void close() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** One BPF instruction, {@code SECCOMP_RET_ALLOW}: a filter that changes nothing but is loaded. */
    private static byte[] allowAll() {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 0x06).put((byte) 0).put((byte) 0).putInt(0x7fff0000).array();
    }

    @Test
    void identityLimitsCapabilitiesAndSeccompReachTheProcess() throws Exception {
        long caps = CAP_NET_BIND_SERVICE;
        ShimHandle handle = sandbox.create("effects", sandbox.container("/bin/sh", "-c",
                        "echo id=$(id -u):$(id -g) groups=$(id -G); echo nofile=$(ulimit -Sn)/$(ulimit -Hn);"
                                + " echo cwd=$(pwd) foo=$FOO; grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):'"
                                + " /proc/self/status | tr -s '\\t' ' '")
                .env("FOO=bar baz")
                .cwd("/work/dir")
                .user(1000, 1001)
                .groups(List.of(1001, 2000, 3000))
                .rlimit(RLIMIT_NOFILE, 100, 200)
                .capabilities(new InitPlan.Capabilities(caps, caps, caps, caps, caps))
                .noNewPrivileges(true)
                .seccomp(new InitPlan.Seccomp(PR_SET_NO_NEW_PRIVS_SECCOMP_FLAGS, allowAll()))
                .build());
        ShimClient client = ShimClient.of(handle);
        client.start();
        assertEquals(0, client.waitExit().exitCode(), CriLog.read(sandbox.log("effects")).briefs().toString());
        assertEquals(List.of(
                "stdout F id=1000:1001 groups=1001 2000 3000",
                "stdout F nofile=100/200",
                "stdout F cwd=/work/dir foo=bar baz",
                "stdout F CapInh: 0000000000000400",
                "stdout F CapPrm: 0000000000000400",
                "stdout F CapEff: 0000000000000400",
                "stdout F CapBnd: 0000000000000400",
                "stdout F CapAmb: 0000000000000400",
                "stdout F NoNewPrivs: 1",
                "stdout F Seccomp: 2"), CriLog.read(sandbox.log("effects")).briefs());
    }

    @Test
    void masksReadonlyPathsSysctlsAndAReadonlyRoot() throws Exception {
        ShimHandle handle = sandbox.create("fs", sandbox.container("/bin/sh", "-c",
                        "echo version=$(wc -c < /proc/version); ls /sys/firmware | wc -l;"
                                + " echo 1 > /proc/sys/kernel/domainname 2>/dev/null || echo sys-ro;"
                                + " touch /newfile 2>/dev/null || echo root-ro; touch /dev/shm/x && echo shm-rw;"
                                + " echo shm_rmid_forced=$(cat /proc/sys/kernel/shm_rmid_forced);"
                                + " readlink /dev/fd; ls -l /dev/null | cut -c1-10")
                .mask("/proc/version")
                .mask("/sys/firmware")
                .mask("/does/not/exist")
                .readonly("/proc/sys")
                .rootfsReadonly(true)
                .sysctl("kernel.shm_rmid_forced", "1")
                .build());
        ShimClient client = ShimClient.of(handle);
        client.start();
        assertEquals(0, client.waitExit().exitCode());
        List<String> out = CriLog.read(sandbox.log("fs")).briefs("stdout");
        assertEquals(List.of("stdout F version=0", "stdout F 0", "stdout F sys-ro", "stdout F root-ro",
                "stdout F shm-rw", "stdout F shm_rmid_forced=1", "stdout F /proc/self/fd",
                "stdout F crw-rw-rw-"), out);
        assertTrue(ProcStat.exited(handle.initPid()));
    }
}
