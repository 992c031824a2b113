package dev.cortado.runtime.oci;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MountInfoTest {

    private static final String TABLE = """
            27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
            22 27 0:21 / /proc rw,relatime - proc proc rw
            50 27 0:40 / /mnt/data rw,relatime shared:7 - tmpfs tmpfs rw
            51 50 0:41 / /mnt/data/sub rw,relatime master:7 propagate_from:2 - tmpfs tmpfs rw
            52 27 0:42 / /mnt/with\\040space rw - tmpfs tmp\\134fs rw
            53 50 0:43 / /mnt/data rw shared:9 - tmpfs over rw
            """;

    @Test
    void parsesFieldsAndEscapes() {
        MountInfo info = MountInfo.parse(TABLE);
        assertEquals(6, info.mounts().size());
        MountPoint sub = info.mounts().get(3);
        assertEquals(51, sub.id());
        assertEquals(50, sub.parentId());
        assertEquals(Path.of("/mnt/data/sub"), sub.mountPoint());
        assertEquals(List.of("master:7", "propagate_from:2"), sub.optionalFields());
        assertEquals("tmpfs", sub.fsType());
        assertTrue(sub.slave());
        assertFalse(sub.shared());
        assertEquals(Path.of("/mnt/with space"), info.mounts().get(4).mountPoint());
        assertEquals("tmp\\fs", info.mounts().get(4).source());
    }

    @Test
    void findsTheMountAPathIsOnTopmostFirst() {
        MountInfo info = MountInfo.parse(TABLE);
        assertEquals(53, info.containing(Path.of("/mnt/data/x/y")).orElseThrow().id());
        assertEquals(51, info.containing(Path.of("/mnt/data/sub")).orElseThrow().id());
        assertEquals(27, info.containing(Path.of("/mnt/database")).orElseThrow().id());
        assertEquals(27, info.containing(Path.of("/")).orElseThrow().id());
    }

    @Test
    void readsTheLiveTable() throws IOException {
        MountInfo live = MountInfo.read(Path.of("/proc/self/mountinfo"));
        assertEquals(Path.of("/proc"), live.containing(Path.of("/proc/self")).orElseThrow().mountPoint());
        assertEquals("proc", live.containing(Path.of("/proc/self")).orElseThrow().fsType());
    }
}
