package dev.flowstage.server.config;

import dev.flowstage.hooks.outbound.AddressPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's settings after {@link ConfigLoader} merged flags, environment, properties file and
 * defaults (see {@link ConfigOption} for each option's meaning and default). {@code toString} never
 * shows the admin password.
 */
public record ServerConfig(
        Path dataDir,
        String bind,
        Port httpPort,
        Port httpsPort,
        Port sshPort,
        Optional<Path> tlsCert,
        Optional<Path> tlsKey,
        long maxPushSize,
        String publicHost,
        Optional<String> adminPassword,
        int gcPushes,
        int gcIntervalMinutes,
        int windowCacheMb,
        int windowCacheOpenFiles,
        int httpThreads,
        int httpIdleTimeoutSeconds,
        int sshThreads,
        int sshIdleTimeoutSeconds,
        int sshAuthTimeoutSeconds,
        AddressPolicy outboundAllow,
        Optional<String> metricsToken,
        Optional<Path> accessLog,
        int accessLogKeepDays,
        Optional<Path> logFile,
        int logKeepDays) {

    public static final String PROPERTIES_FILE = "flowstage.properties";

    public ServerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(httpPort, "httpPort");
        Objects.requireNonNull(httpsPort, "httpsPort");
        Objects.requireNonNull(sshPort, "sshPort");
        Objects.requireNonNull(tlsCert, "tlsCert");
        Objects.requireNonNull(tlsKey, "tlsKey");
        Objects.requireNonNull(publicHost, "publicHost");
        Objects.requireNonNull(adminPassword, "adminPassword");
        Objects.requireNonNull(outboundAllow, "outboundAllow");
        Objects.requireNonNull(metricsToken, "metricsToken");
        Objects.requireNonNull(accessLog, "accessLog");
        Objects.requireNonNull(logFile, "logFile");
        if (tlsCert.isPresent() != tlsKey.isPresent()) {
            throw new ConfigException("tls-cert and tls-key must be given together");
        }
    }

    /** DATA/tls: the generated certificate and key. */
    public Path tlsDir() {
        return dataDir.resolve("tls");
    }

    /** DATA/ssh: the SSH host key. */
    public Path sshDir() {
        return dataDir.resolve("ssh");
    }

    public Path propertiesFile() {
        return dataDir.resolve(PROPERTIES_FILE);
    }

    public Duration gcInterval() {
        return Duration.ofMinutes(gcIntervalMinutes);
    }

    public Duration httpIdleTimeout() {
        return Duration.ofSeconds(httpIdleTimeoutSeconds);
    }

    public Duration sshIdleTimeout() {
        return Duration.ofSeconds(sshIdleTimeoutSeconds);
    }

    public Duration sshAuthTimeout() {
        return Duration.ofSeconds(sshAuthTimeoutSeconds);
    }

    /** A copy whose outbound calls may also reach {@code policy}'s hosts; tests allow their local receivers. */
    public ServerConfig withOutboundAllow(AddressPolicy policy) {
        return new ServerConfig(dataDir, bind, httpPort, httpsPort, sshPort, tlsCert, tlsKey, maxPushSize, publicHost,
                adminPassword, gcPushes, gcIntervalMinutes, windowCacheMb, windowCacheOpenFiles, httpThreads,
                httpIdleTimeoutSeconds, sshThreads, sshIdleTimeoutSeconds, sshAuthTimeoutSeconds, policy, metricsToken,
                accessLog, accessLogKeepDays, logFile, logKeepDays);
    }

    /** A copy listening on other ports; end-to-end tests use {@link Port#RANDOM} for all three. */
    public ServerConfig withPorts(Port http, Port https, Port ssh) {
        return new ServerConfig(dataDir, bind, http, https, ssh, tlsCert, tlsKey, maxPushSize, publicHost,
                adminPassword, gcPushes, gcIntervalMinutes, windowCacheMb, windowCacheOpenFiles, httpThreads,
                httpIdleTimeoutSeconds, sshThreads, sshIdleTimeoutSeconds, sshAuthTimeoutSeconds, outboundAllow,
                metricsToken, accessLog, accessLogKeepDays, logFile, logKeepDays);
    }

    @Override
    public String toString() {
        return "ServerConfig[dataDir=" + dataDir + ", bind=" + bind + ", httpPort=" + httpPort
                + ", httpsPort=" + httpsPort + ", sshPort=" + sshPort + ", tlsCert=" + tlsCert.orElse(null)
                + ", tlsKey=" + tlsKey.orElse(null) + ", maxPushSize=" + maxPushSize + ", publicHost=" + publicHost
                + ", adminPassword=" + (adminPassword.isPresent() ? "(set)" : "(unset)")
                + ", gcPushes=" + gcPushes + ", gcIntervalMinutes=" + gcIntervalMinutes
                + ", windowCacheMb=" + windowCacheMb + ", windowCacheOpenFiles=" + windowCacheOpenFiles
                + ", httpThreads=" + httpThreads + ", httpIdleTimeoutSeconds=" + httpIdleTimeoutSeconds
                + ", sshThreads=" + sshThreads + ", sshIdleTimeoutSeconds=" + sshIdleTimeoutSeconds
                + ", sshAuthTimeoutSeconds=" + sshAuthTimeoutSeconds + ", outboundAllow=" + outboundAllow
                + ", metricsToken=" + (metricsToken.isPresent() ? "(set)" : "(unset)")
                + ", accessLog=" + accessLog.orElse(null) + ", accessLogKeepDays=" + accessLogKeepDays
                + ", logFile=" + logFile.orElse(null) + ", logKeepDays=" + logKeepDays + "]";
    }
}
