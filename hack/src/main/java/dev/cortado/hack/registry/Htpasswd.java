package dev.cortado.hack.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes the bcrypt htpasswd file the registry's Basic auth reads (it accepts only bcrypt entries). */
final class Htpasswd {
    private Htpasswd() {
    }

    static Path write(Path file, Credentials credentials) {
        String line = Commands.run(List.of("htpasswd", "-Bbn", credentials.username(), credentials.password())).strip();
        if (!line.startsWith(credentials.username() + ":$2")) {
            throw new IllegalStateException("htpasswd -B printed something other than a bcrypt entry for "
                    + credentials.username());
        }
        try {
            Files.writeString(file, line + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write htpasswd file " + file + ": " + e.getMessage(), e);
        }
    }
}
