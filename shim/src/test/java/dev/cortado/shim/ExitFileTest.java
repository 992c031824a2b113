package dev.cortado.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitFileTest {
    @TempDir
    Path dir;

    @Test
    void absentFileIsEmpty() throws Exception {
        assertEquals(Optional.empty(), ExitFile.read(dir.resolve("exit")));
    }

    @Test
    void readsAnExitAndAKill() throws Exception {
        Path file = dir.resolve("exit");
        Files.writeString(file, "3 0 1700000000000000042\n");
        assertEquals(Optional.of(new ExitStatus(3, 0, Instant.ofEpochSecond(1700000000, 42), Optional.empty())),
                ExitFile.read(file));
        Files.writeString(file, "137 9 1700000000000000000\n");
        assertTrue(ExitFile.read(file).orElseThrow().signaled());
    }

    @Test
    void readsAStartFailureWithItsMessage() throws Exception {
        Path file = dir.resolve("exit");
        Files.writeString(file, "-1 0 1700000000000000000\nexec /nope: No such file or directory\n");
        ExitStatus status = ExitFile.read(file).orElseThrow();
        assertEquals(-1, status.exitCode());
        assertEquals(Optional.of("exec /nope: No such file or directory"), status.startError());
    }

    @Test
    void malformedFilesNameTheFileAndTheProblem() throws Exception {
        Path file = dir.resolve("exit");
        for (String bad : new String[] {"", "3 0 17", "3 0\n", "3 x 17\n", "3  0 17\n", "3 -1 17\n"}) {
            Files.writeString(file, bad);
            ShimException e = assertThrows(ShimException.class, () -> ExitFile.read(file), bad);
            assertEquals("exit file " + file, e.step(), bad);
        }
    }
}
