package dev.cortado.runtime.oci;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EnvironmentTest {

    @Test
    void laterLayersReplaceInPlace() {
        Environment env = new Environment().set("PATH", Environment.DEFAULT_PATH).set("HOSTNAME", "pod")
                .addImageEntries(List.of("PATH=/image/bin", "LANG=C.UTF-8", "EMPTY="))
                .addContainerEntry(0, "LANG", "en_US.UTF-8")
                .addContainerEntry(1, "NEW", "a=b")
                .setIfAbsent("HOME", "/root")
                .setIfAbsent("LANG", "ignored");
        assertEquals(List.of("PATH=/image/bin", "HOSTNAME=pod", "LANG=en_US.UTF-8", "EMPTY=", "NEW=a=b", "HOME=/root"),
                env.entries());
    }

    @Test
    void imageEntryWithoutEqualsUnsets() {
        Environment env = new Environment().set("PATH", "/x").addImageEntries(List.of("PATH", "=odd", "A=1"));
        assertEquals(List.of("A=1"), env.entries());
    }

    @Test
    void badContainerNamesAreRefusedNamingTheField() {
        Environment env = new Environment();
        assertEquals("envs[2].key: an environment variable needs a name",
                assertThrows(IllegalArgumentException.class, () -> env.addContainerEntry(2, "", "v")).getMessage());
        assertEquals("envs[0].key: \"A=B\" contains '='",
                assertThrows(IllegalArgumentException.class, () -> env.addContainerEntry(0, "A=B", "v")).getMessage());
        assertEquals("envs[1].value: contains a NUL byte",
                assertThrows(IllegalArgumentException.class, () -> env.addContainerEntry(1, "A", "x\0")).getMessage());
    }
}
