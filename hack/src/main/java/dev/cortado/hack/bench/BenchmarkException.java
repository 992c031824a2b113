package dev.cortado.hack.bench;

/** A benchmark step failed; the message names the runtime, the call and the cause. */
public final class BenchmarkException extends RuntimeException {
    public BenchmarkException(String message) {
        super(message);
    }
}
