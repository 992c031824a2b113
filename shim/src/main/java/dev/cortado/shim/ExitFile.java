package dev.cortado.shim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The exit status file a shim leaves (shim/PROTOCOL.md section 4): {@code <code> <signal> <ns>}
 * on the first line, and for a start failure the message on a second. The shim writes it by
 * rename, so a file that exists is whole.
 */
public final class ExitFile {
    /** A real exit file is one short line or two; anything much larger is not one. */
    private static final int MAX_BYTES = 16384;

    private ExitFile() {
    }

    /** The recorded status, or empty when the file does not exist (the init has not ended). */
    public static Optional<ExitStatus> read(Path file) throws ShimException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw malformed(file, "it is larger than " + MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (ShimException e) {
            throw e;
        } catch (IOException e) {
            throw new ShimException("exit file " + file, ShimConnection.reason(e), e);
        }
        return Optional.of(parse(file, new String(bytes, StandardCharsets.UTF_8)));
    }

    static ExitStatus parse(Path file, String text) throws ShimException {
        int newline = text.indexOf('\n');
        if (newline < 0) {
            throw malformed(file, "the status line does not end with a newline");
        }
        String[] fields = text.substring(0, newline).split(" ", -1);
        if (fields.length != 3) {
            throw malformed(file, "expected \"<exit-code> <exit-signal> <finished-ns>\", got \""
                    + text.substring(0, newline) + "\"");
        }
        String rest = text.substring(newline + 1);
        if (rest.endsWith("\n")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        try {
            int code = Integer.parseInt(fields[0]);
            int signal = Integer.parseInt(fields[1]);
            long nanos = Long.parseLong(fields[2]);
            if (signal < 0 || nanos < 0) {
                throw malformed(file, "negative signal or time in \"" + text.substring(0, newline) + "\"");
            }
            return new ExitStatus(code, signal, Reply.nanosToInstant(nanos),
                    rest.isEmpty() ? Optional.empty() : Optional.of(rest));
        } catch (NumberFormatException e) {
            throw malformed(file, "\"" + text.substring(0, newline) + "\" holds a field that is not an integer");
        }
    }

    private static ShimException malformed(Path file, String why) {
        return new ShimException("exit file " + file, why);
    }
}
