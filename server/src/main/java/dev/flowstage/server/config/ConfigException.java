package dev.flowstage.server.config;

/** A configuration value the server cannot start with; the message names the option and its source. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
