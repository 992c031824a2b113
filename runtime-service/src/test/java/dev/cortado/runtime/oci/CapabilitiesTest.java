package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.Capability;
import dev.cortado.shim.plan.InitPlan;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CapabilitiesTest {

    private static final int LAST = 40;
    /** CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP */
    private static final long DEFAULT = 0xa80425fbL;

    @Test
    void tableMatchesTheKernelNumbers() {
        assertEquals(0, LinuxCapability.CHOWN.number());
        assertEquals(21, LinuxCapability.SYS_ADMIN.number());
        assertEquals(24, LinuxCapability.SYS_RESOURCE.number());
        assertEquals(31, LinuxCapability.SETFCAP.number());
        assertEquals(38, LinuxCapability.PERFMON.number());
        assertEquals(40, LinuxCapability.CHECKPOINT_RESTORE.number());
        assertEquals(40, LinuxCapability.last());
        assertEquals(LinuxCapability.BPF, LinuxCapability.ofNumber(39));
        assertEquals(LinuxCapability.NET_ADMIN, LinuxCapability.parse("net_admin").orElseThrow());
        assertEquals(LinuxCapability.NET_ADMIN, LinuxCapability.parse("CAP_NET_ADMIN").orElseThrow());
        assertEquals(0x1ffffffffffL, Capabilities.all(40));
        assertEquals(0xffffffffffL, Capabilities.all(39));
    }

    @Test
    void containerdDefaultForRoot() {
        InitPlan.Capabilities caps = Capabilities.forContainer(Capability.getDefaultInstance(), 0, LAST);
        assertEquals(DEFAULT, Capabilities.mask(Capabilities.CONTAINERD_DEFAULT));
        assertEquals(new InitPlan.Capabilities(DEFAULT, DEFAULT, 0, DEFAULT, 0), caps);
        assertEquals(List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
                "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD",
                "CAP_AUDIT_WRITE", "CAP_SETFCAP"), Capabilities.names(caps.bounding()));
    }

    @Test
    void nonRootKeepsOnlyTheBoundingSetUnlessAmbient() {
        assertEquals(new InitPlan.Capabilities(DEFAULT, 0, 0, 0, 0),
                Capabilities.forContainer(Capability.getDefaultInstance(), 1000, LAST));
        long bind = LinuxCapability.NET_BIND_SERVICE.bit();
        long admin = LinuxCapability.NET_ADMIN.bit();
        Capability ambient = Capability.newBuilder().addAddAmbientCapabilities("NET_ADMIN").build();
        assertEquals(new InitPlan.Capabilities(DEFAULT | admin, admin, admin, admin, admin),
                Capabilities.forContainer(ambient, 1000, LAST));
        assertEquals(bind, DEFAULT & bind);
    }

    @Test
    void allAndSingleAddsAndDrops() {
        Capability dropAllAddOne = Capability.newBuilder().addDropCapabilities("ALL")
                .addAddCapabilities("NET_BIND_SERVICE").build();
        assertEquals(LinuxCapability.NET_BIND_SERVICE.bit(),
                Capabilities.forContainer(dropAllAddOne, 0, LAST).bounding());
        Capability addAllDropOne = Capability.newBuilder().addAddCapabilities("all").addDropCapabilities("CHOWN").build();
        assertEquals(Capabilities.all(LAST) & ~1L, Capabilities.forContainer(addAllDropOne, 0, LAST).bounding());
        Capability addAndDropSame = Capability.newBuilder().addAddCapabilities("SYS_ADMIN")
                .addDropCapabilities("CAP_SYS_ADMIN").addDropCapabilities("NET_RAW").build();
        assertEquals(DEFAULT & ~LinuxCapability.NET_RAW.bit(), Capabilities.forContainer(addAndDropSame, 0, LAST).bounding());
        Capability addAllOnOldKernel = Capability.newBuilder().addAddCapabilities("ALL").build();
        assertEquals(0xffffffffffL, Capabilities.forContainer(addAllOnOldKernel, 0, 39).bounding());
    }

    @Test
    void unknownNamesAreRefusedNamingTheField() {
        Capability bad = Capability.newBuilder().addAddCapabilities("CHOWN").addAddCapabilities("FLY").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Capabilities.forContainer(bad, 0, LAST));
        assertEquals("linux.security_context.capabilities.add_capabilities[1]: unknown capability \"FLY\"",
                e.getMessage());
    }
}
