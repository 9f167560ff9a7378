package dev.flowstage.server.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every server option, by the name used on the command line ({@code --http-port}), in
 * {@code DATA/flowstage.properties} ({@code http-port=8080}) and, upper-snake-cased with a
 * {@code FLOWSTAGE_} prefix, in the environment ({@code FLOWSTAGE_HTTP_PORT}).
 */
public enum ConfigOption {
    DATA("data", "./data", "data directory (flag or environment only)"),
    BIND("bind", "127.0.0.1", "address to listen on; 0.0.0.0 serves the network"),
    HTTP_PORT("http-port", "8080", "HTTP port; 0 = off, random = any free port"),
    HTTPS_PORT("https-port", "8443", "HTTPS port; 0 = off, random = any free port"),
    SSH_PORT("ssh-port", "2222", "SSH port; 0 = off, random = any free port"),
    TLS_CERT("tls-cert", null, "PEM certificate (chain) to serve instead of the generated one"),
    TLS_KEY("tls-key", null, "PEM private key (PKCS#8 or traditional) for --tls-cert"),
    MAX_PUSH_SIZE("max-push-size", "64m", "largest pack a push may send: bytes or with k/m/g suffix"),
    PUBLIC_HOST("public-host", null,
            "host name in printed and API URLs; default localhost on a loopback bind, else the machine's name"),
    ADMIN_PASSWORD("admin-password", null, "first-start admin password (environment only)"),
    GC_PUSHES("gc-pushes", "50", "pushes to a repository before it is garbage-collected"),
    GC_INTERVAL_MINUTES("gc-interval-minutes", "60", "minutes between periodic GC sweeps"),
    WINDOW_CACHE_MB("window-cache-mb", "128", "JGit pack window cache size in MiB"),
    WINDOW_CACHE_OPEN_FILES("window-cache-open-files", "128", "pack files JGit keeps open"),
    HTTP_THREADS("http-threads", "200", "maximum HTTP worker threads"),
    HTTP_IDLE_TIMEOUT_SECONDS("http-idle-timeout-seconds", "120", "idle HTTP connections are closed after this"),
    SSH_THREADS("ssh-threads", "16", "Git commands run at once over SSH; more wait in a bounded queue"),
    SSH_IDLE_TIMEOUT_SECONDS("ssh-idle-timeout-seconds", "600", "idle SSH sessions are closed after this"),
    SSH_AUTH_TIMEOUT_SECONDS("ssh-auth-timeout-seconds", "30", "time an SSH client has to authenticate"),
    OUTBOUND_ALLOW("outbound-allow", null,
            "comma-separated hosts and CIDRs that webhooks, Node-RED and Git remotes may reach besides public"
                    + " addresses; link-local/metadata only when listed explicitly"),
    METRICS_TOKEN("metrics-token", null,
            "bearer token /metrics requires from every client; without it only loopback clients may scrape"
                    + " (environment or properties file only)"),
    ACCESS_LOG("access-log", null,
            "request log file, one line per HTTP request; rolled daily with the date in its name"
                    + " (access.log is written as access.yyyy_mm_dd.log)"),
    ACCESS_LOG_KEEP_DAYS("access-log-keep-days", "14", "days of request log files kept"),
    LOG_FILE("log-file", null,
            "server log file besides the console; rolled daily and at 100 MiB, gzipped, at most 2 GiB in all"),
    LOG_KEEP_DAYS("log-keep-days", "14", "days of rolled server log files kept");

    private final String key;
    private final String defaultValue;
    private final String description;

    ConfigOption(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The name without dashes prefix: {@code http-port}. */
    public String key() {
        return key;
    }

    public String flag() {
        return "--" + key;
    }

    public String environmentVariable() {
        return "FLOWSTAGE_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The default as written in configuration; empty when computed or absent. */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public String description() {
        return description;
    }

    /** Values never shown in messages. */
    public boolean secret() {
        return this == ADMIN_PASSWORD || this == METRICS_TOKEN;
    }

    /** The data directory locates the properties file, so it cannot be set inside it. */
    public boolean allowedInPropertiesFile() {
        return this != DATA && this != ADMIN_PASSWORD;
    }

    /** Secrets on a command line are visible to every local user through the process list. */
    public boolean allowedAsFlag() {
        return !secret();
    }

    public static Optional<ConfigOption> byKey(String key) {
        return Arrays.stream(values()).filter(o -> o.key.equals(key)).findFirst();
    }
}
