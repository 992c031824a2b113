package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.Device;
import dev.cortado.shim.plan.InitPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DeviceResolverTest {

    @TempDir
    Path dir;

    @Test
    void hostDeviceKeepsItsNumbersAndMode() throws IOException {
        List<DeviceResolver.ContainerDevice> devices = DeviceResolver.resolve(List.of(Device.newBuilder()
                .setHostPath("/dev/null").setContainerPath("/dev/mynull").setPermissions("rw").build()));
        assertEquals(new InitPlan.DeviceNode("/dev/mynull", DefaultDevices.S_IFCHR, 1, 3, 0666, 0, 0),
                devices.get(0).node());
        assertEquals(new DeviceRule(true, "c", 1, 3, "rw"), devices.get(0).rule());
    }

    @Test
    void badDevicesAreRefusedNamingTheField() {
        new TreeWriter(dir).file("plain", "not a device");
        assertEquals("devices[0].host_path: " + dir.resolve("plain") + " is not a character or block device",
                assertThrows(IllegalArgumentException.class, () -> DeviceResolver.resolve(List.of(Device.newBuilder()
                        .setHostPath(dir.resolve("plain").toString()).setContainerPath("/dev/x").build()))).getMessage());
        assertEquals("devices[0].host_path: /dev/nonexistent-device does not exist",
                assertThrows(IllegalArgumentException.class, () -> DeviceResolver.resolve(List.of(Device.newBuilder()
                        .setHostPath("/dev/nonexistent-device").setContainerPath("/dev/x").build()))).getMessage());
        assertEquals("devices[0].permissions: \"rwx\" is not some of \"rwm\"",
                assertThrows(IllegalArgumentException.class, () -> DeviceResolver.resolve(List.of(Device.newBuilder()
                        .setHostPath("/dev/zero").setContainerPath("/dev/z").setPermissions("rwx").build()))).getMessage());
    }
}
