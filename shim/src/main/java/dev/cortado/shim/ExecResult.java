package dev.cortado.shim;

import java.nio.charset.StandardCharsets;

/**
 * What an EXEC returned. Each stream holds at most the requested output cap; the rest was read
 * and dropped by the shim.
 *
 * @param exitCode 128+signal when killed by a signal; -1 when it timed out
 * @param timedOut the shim killed the command (and its children) at the timeout
 */
public record ExecResult(int exitCode, boolean timedOut, byte[] stdout, byte[] stderr) {
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }
}
