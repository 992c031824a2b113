package dev.cortado.runtime.oci;

import dev.cortado.image.manifest.ExecutionConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CommandLineTest {

    private static ExecutionConfig image(List<String> entrypoint, List<String> cmd) {
        return new ExecutionConfig(null, List.of(), entrypoint, cmd, null, Map.of(), null, List.of(), List.of());
    }

    private static final ExecutionConfig BOTH = image(List.of("/entry", "-e"), List.of("cmd-arg"));

    @Test
    void imageDefaultsWhenThePodSaysNothing() {
        assertEquals(List.of("/entry", "-e", "cmd-arg"), CommandLine.resolve(List.of(), List.of(), BOTH));
    }

    @Test
    void argsReplaceOnlyTheCmd() {
        assertEquals(List.of("/entry", "-e", "a", "b"), CommandLine.resolve(List.of(), List.of("a", "b"), BOTH));
    }

    @Test
    void commandReplacesEntrypointAndDropsTheCmd() {
        assertEquals(List.of("/bin/sh"), CommandLine.resolve(List.of("/bin/sh"), List.of(), BOTH));
        assertEquals(List.of("/bin/sh", "-c", "x"), CommandLine.resolve(List.of("/bin/sh"), List.of("-c", "x"), BOTH));
    }

    @Test
    void emptyStringEntrypointMeansNone() {
        assertEquals(List.of("/cmd"), CommandLine.resolve(List.of(), List.of(), image(List.of(""), List.of("/cmd"))));
        assertEquals(List.of("/cmd"), CommandLine.resolve(List.of(), List.of(), image(null, List.of("/cmd"))));
        assertEquals(List.of("/x"), CommandLine.resolve(List.of(), List.of("/x"), image(null, null)));
    }

    @Test
    void nothingToRunIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CommandLine.resolve(List.of(), List.of(), image(null, null)));
        assertEquals("command: no command to run: the container sets neither command nor args, "
                + "and the image has neither Entrypoint nor Cmd", e.getMessage());
    }

    @Test
    void nulBytesAndEmptyProgramAreRefusedNamingWhere() {
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class,
                () -> CommandLine.resolve(List.of("/bin/sh"), List.of("-c", "a\0b"), BOTH));
        assertEquals("args[1]: contains a NUL byte", nul.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> CommandLine.resolve(List.of(), List.of(), image(null, List.of("", "x"))));
        assertEquals("image Cmd[0]: the program to run (argv[0]) is an empty string", empty.getMessage());
    }
}
