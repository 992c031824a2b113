package dev.cortado.runtime.oci;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MountOptionsTest {

    @Test
    void flagsPropagationAndDataAreSeparated() {
        MountOptions devpts = MountOptions.parse(
                List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"));
        assertEquals(new MountOptions(MountFlag.NOSUID | MountFlag.NOEXEC, 0, "newinstance,ptmxmode=0666,mode=0620,gid=5"),
                devpts);
        MountOptions bind = MountOptions.parse(List.of("rbind", "rslave", "ro"));
        assertEquals(new MountOptions(MountFlag.BIND | MountFlag.REC | MountFlag.RDONLY, MountFlag.SLAVE | MountFlag.REC, ""),
                bind);
        MountOptions dev = MountOptions.parse(List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
        assertEquals(MountFlag.NOSUID | MountFlag.STRICTATIME, dev.flags());
        assertEquals("mode=755,size=65536k", dev.data());
    }

    @Test
    void laterOptionsWin() {
        assertEquals(0, MountOptions.parse(List.of("ro", "rw")).flags());
        assertEquals(MountFlag.SHARED | MountFlag.REC, MountOptions.parse(List.of("rprivate", "rshared")).propagation());
    }

    @Test
    void propagationNamesRoundTrip() {
        assertEquals("rslave", MountOptions.propagationName(MountFlag.SLAVE | MountFlag.REC));
        assertEquals("rprivate", MountOptions.propagationName(MountFlag.PRIVATE | MountFlag.REC));
        assertEquals("shared", MountOptions.propagationName(MountFlag.SHARED));
        assertThrows(IllegalArgumentException.class, () -> MountOptions.propagationName(MountFlag.RDONLY));
    }

    @Test
    void theDefaultMountsBecomeTheExpectedPlanRecords() {
        var proc = DefaultMounts.base().get(0).toPlan(0);
        assertEquals("/proc", proc.target());
        assertEquals("proc", proc.fsType());
        assertEquals(MountFlag.NOSUID | MountFlag.NOEXEC | MountFlag.NODEV, proc.flags());
        var sys = DefaultMounts.base().get(5).toPlan(0);
        assertEquals("/sys", sys.target());
        assertEquals(MountFlag.NOSUID | MountFlag.NOEXEC | MountFlag.NODEV | MountFlag.RDONLY, sys.flags());
    }
}
