package dev.cortado.shim;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The reply to STATE. Fields the shim reports as {@code -} (not yet known) are empty.
 *
 * @param initPid the container init's pid in the daemon's PID namespace, 0 when the shim gave none
 * @param oom     the cgroup reported an OOM kill (plan-v1 shims always say no; the daemon decides)
 */
public record ShimState(Status state, long initPid, OptionalInt exitCode, OptionalInt exitSignal,
                        Optional<Instant> startedAt, Optional<Instant> finishedAt, boolean oom) {

    /** The init's life: waiting at the start barrier, running, or exited. */
    public enum Status {
        CREATED, RUNNING, STOPPED;

        static Status parse(String word) {
            return switch (word) {
                case "created" -> CREATED;
                case "running" -> RUNNING;
                case "stopped" -> STOPPED;
                default -> null;
            };
        }
    }
}
