package dev.cortado.runtime.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host tool (ip, iptables) for the network tests and returns what it printed. */
final class HostCommand {

    private HostCommand() {
    }

    /** Output and exit code of {@code command}; never throws for a non-zero exit. */
    record Outcome(int exit, String output) {
    }

    static Outcome run(String... command) {
        try {
            Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Outcome(-1, output + "\n(timed out)");
            }
            return new Outcome(process.exitValue(), output);
        } catch (IOException e) {
            return new Outcome(-1, "cannot run " + command[0] + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(-1, "interrupted");
        }
    }

    /** The output of a command that must succeed. */
    static String output(String... command) {
        Outcome outcome = run(command);
        if (outcome.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + outcome.exit() + ": " + outcome.output());
        }
        return outcome.output();
    }
}
