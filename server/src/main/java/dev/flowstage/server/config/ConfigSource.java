package dev.flowstage.server.config;

/** Where a configuration value came from, for error messages. */
public enum ConfigSource {
    FLAG("command-line flag"),
    ENVIRONMENT("environment variable"),
    PROPERTIES_FILE("properties file"),
    DEFAULT("default");

    private final String label;

    ConfigSource(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
