package dev.cortado.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cortado.runtime.oci.DeviceRule;
import org.junit.jupiter.api.Test;

class DeviceAccessTest {

    @Test
    void rulesAreWrittenAsTheDevicesControllerReadsThem() {
        assertEquals("a *:* rwm", DeviceAccess.line(DeviceRule.denyAll()));
        assertEquals("c 1:3 rwm", DeviceAccess.line(new DeviceRule(true, "c", 1, 3, "rwm")));
        assertEquals("c 136:* rwm", DeviceAccess.line(new DeviceRule(true, "c", 136, -1, "rwm")));
        assertEquals("b *:* m", DeviceAccess.line(new DeviceRule(true, "b", -1, -1, "m")));
    }
}
