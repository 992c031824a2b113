package dev.cortado.shim.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plan files appear whole, private to root, and replace an older plan. */
class PlanFileTest {
    private final InitPlanWriter writer = new InitPlanWriter();

    @Test
    void writesThePlanWithMode0600AndNoLeftovers(@TempDir Path dir) throws IOException {
        InitPlan plan = new InitPlanBuilder().args("/bin/true").env("SECRET=x").build();
        Path file = dir.resolve("plan");
        writer.write(plan, file);
        assertArrayEquals(writer.encode(plan), Files.readAllBytes(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void replacesAnExistingPlan(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("plan");
        Files.writeString(file, "old and longer than the new plan".repeat(10));
        InitPlan plan = new InitPlanBuilder().args("/bin/true").build();
        writer.write(plan, file);
        assertArrayEquals(writer.encode(plan), Files.readAllBytes(file));
    }

    @Test
    void anInvalidPlanLeavesNoFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("plan");
        assertThrows(InvalidPlanException.class,
                () -> writer.write(new InitPlanBuilder().args("/bin/true").rootfs("relative").build(), file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
