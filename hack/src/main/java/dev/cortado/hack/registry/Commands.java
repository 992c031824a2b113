package dev.cortado.hack.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short-lived helper programs (htpasswd, openssl, gcc) and turns their failures into readable errors. */
public final class Commands {
    private static final long TIMEOUT_SECONDS = 60;

    private Commands() {
    }

    /** Runs the command to completion and returns its standard output; fails naming the command and its stderr. */
    public static String run(List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + " (" + e.getMessage()
                    + "); run hack/setup to install the packages the tests need", e);
        }
        try {
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", redacted(command)) + " exited with "
                        + process.exitValue() + ": " + new String(err, StandardCharsets.UTF_8).strip());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("reading output of " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    /** Hides the password argument of htpasswd -b in error messages; the rest helps the reader. */
    private static List<String> redacted(List<String> command) {
        if (command.get(0).endsWith("htpasswd") && command.size() >= 2) {
            List<String> copy = new java.util.ArrayList<>(command);
            copy.set(copy.size() - 1, "***");
            return copy;
        }
        return command;
    }
}
