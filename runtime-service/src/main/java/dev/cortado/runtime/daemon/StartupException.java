package dev.cortado.runtime.daemon;

/** A reason the daemon cannot start, worded for the operator who reads it. */
final class StartupException extends Exception {
    StartupException(String message) {
        super(message);
    }
}
