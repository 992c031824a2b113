package dev.cortado.shim.plan;

/**
 * An init plan the shim must not be given: a NUL inside a string, a relative host path, a size
 * out of range. The message names the record and the offending value.
 */
public final class InvalidPlanException extends IllegalArgumentException {
    public InvalidPlanException(String message) {
        super("init plan: " + message);
    }
}
