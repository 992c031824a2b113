package dev.cortado.runtime.config;

/** A configuration the daemon cannot start with; the message names the file, key and problem. */
public class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
