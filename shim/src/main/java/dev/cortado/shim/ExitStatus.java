package dev.cortado.shim;

import java.time.Instant;
import java.util.Optional;

/**
 * How a container's init ended.
 *
 * @param exitCode   the exit status as shells report it: 128+signal when killed by a signal, -1
 *                   when the process never started
 * @param exitSignal the killing signal, 0 when it exited by itself
 * @param finishedAt when the shim saw it end
 * @param startError the exec failure ({@code exec /app: No such file or directory}) when the
 *                   process never started and the status came from the exit file
 */
public record ExitStatus(int exitCode, int exitSignal, Instant finishedAt, Optional<String> startError) {
    public ExitStatus {
        if (finishedAt == null || startError == null) {
            throw new IllegalArgumentException("an exit status needs a finish time and an (optional) start error");
        }
    }

    public boolean signaled() {
        return exitSignal != 0;
    }
}
