package dev.cortado.hack.image;

import dev.cortado.hack.registry.Commands;
import dev.cortado.hack.registry.TempDirs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The project's own pause program (resource {@code pause.c}: sleeps until SIGTERM or SIGINT, reaps
 * children), compiled here with gcc as a static executable so that an image of that one file runs.
 */
public final class PauseBinary {
    private static final String SOURCE = "pause.c";

    private PauseBinary() {
    }

    /** Compiles the program and returns the executable's bytes; needs gcc and libc6-dev (hack/setup). */
    public static byte[] compile() {
        Path dir = TempDirs.create("cortado-pause-");
        try {
            Path source = dir.resolve(SOURCE);
            try (InputStream in = PauseBinary.class.getResourceAsStream(SOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + SOURCE + " is missing next to "
                            + PauseBinary.class.getName() + ": rebuild module hack");
                }
                Files.copy(in, source);
            }
            Path binary = dir.resolve("pause");
            Commands.run(List.of("gcc", "-static", "-Os", "-s", "-Wall", "-Wextra", "-Werror",
                    "-o", binary.toString(), source.toString()));
            return Files.readAllBytes(binary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the pause program in " + dir + ": " + e.getMessage(), e);
        } finally {
            try {
                TempDirs.deleteTree(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
            }
        }
    }
}
