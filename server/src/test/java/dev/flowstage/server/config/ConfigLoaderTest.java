package dev.flowstage.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.outbound.AddressPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path data;

    private final ConfigLoader loader = new ConfigLoader(() -> "build-box.example");

    private ServerConfig load(Map<String, String> env, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--data", data.toString()));
        all.addAll(List.of(args));
        return loader.load(all, env);
    }

    private void properties(String content) throws Exception {
        Files.writeString(data.resolve("flowstage.properties"), content);
    }

    private ConfigException error(Map<String, String> env, String... args) {
        return assertThrows(ConfigException.class, () -> load(env, args));
    }

    @Test
    void defaults() {
        ServerConfig c = load(Map.of());
        assertEquals(data.toAbsolutePath().normalize(), c.dataDir());
        assertEquals("127.0.0.1", c.bind());
        assertEquals(Port.of(8080), c.httpPort());
        assertEquals(Port.of(8443), c.httpsPort());
        assertEquals(Port.of(2222), c.sshPort());
        assertEquals(Optional.empty(), c.tlsCert());
        assertEquals(Optional.empty(), c.tlsKey());
        assertEquals(64L * 1024 * 1024, c.maxPushSize());
        assertEquals("localhost", c.publicHost());
        assertEquals(Optional.empty(), c.adminPassword());
        assertEquals(50, c.gcPushes());
        assertEquals(60, c.gcIntervalMinutes());
        assertEquals(128, c.windowCacheMb());
        assertEquals(128, c.windowCacheOpenFiles());
        assertEquals(200, c.httpThreads());
        assertEquals(120, c.httpIdleTimeoutSeconds());
        assertEquals(16, c.sshThreads());
        assertEquals(600, c.sshIdleTimeoutSeconds());
        assertEquals(30, c.sshAuthTimeoutSeconds());
        assertEquals(AddressPolicy.PUBLIC_ONLY, c.outboundAllow(), "outbound calls reach public addresses only");
        assertEquals(Optional.empty(), c.accessLog(), "no request log unless asked for");
        assertEquals(14, c.accessLogKeepDays());
        assertEquals(Optional.empty(), c.logFile(), "the console only unless asked for");
        assertEquals(14, c.logKeepDays());
        assertEquals(data.toAbsolutePath().normalize().resolve("tls"), c.tlsDir());
        assertEquals(data.toAbsolutePath().normalize().resolve("ssh"), c.sshDir());
    }

    @Test
    void dataDirDefaultsToDotDataAndComesFromEnvironment() {
        ServerConfig byDefault = loader.load(List.of(), Map.of());
        assertEquals(Path.of("data").toAbsolutePath().normalize(), byDefault.dataDir());
        ServerConfig byEnv = loader.load(List.of(), Map.of("FLOWSTAGE_DATA", data.toString()));
        assertEquals(data.toAbsolutePath().normalize(), byEnv.dataDir());
        ServerConfig flagWins = loader.load(List.of("--data=" + data), Map.of("FLOWSTAGE_DATA", "/elsewhere"));
        assertEquals(data.toAbsolutePath().normalize(), flagWins.dataDir());
    }

    @Test
    void flagBeatsEnvironmentBeatsPropertiesBeatsDefault() throws Exception {
        properties("http-port=1001\nhttps-port=1002\nssh-port=1003\n");
        Map<String, String> env = Map.of("FLOWSTAGE_HTTP_PORT", "2001", "FLOWSTAGE_HTTPS_PORT", "2002");
        ServerConfig c = load(env, "--http-port", "3001");
        assertEquals(Port.of(3001), c.httpPort());
        assertEquals(Port.of(2002), c.httpsPort());
        assertEquals(Port.of(1003), c.sshPort());
        assertEquals(Port.of(8080), load(Map.of(), "--data", data.resolve("other").toString()).httpPort());
    }

    @Test
    void everyOptionReadsFromTheEnvironment() {
        Map<String, String> env = Map.ofEntries(
                Map.entry("FLOWSTAGE_BIND", "0.0.0.0"),
                Map.entry("FLOWSTAGE_MAX_PUSH_SIZE", "1g"),
                Map.entry("FLOWSTAGE_PUBLIC_HOST", "git.example.test"),
                Map.entry("FLOWSTAGE_ADMIN_PASSWORD", "s3cret-pass"),
                Map.entry("FLOWSTAGE_GC_PUSHES", "7"),
                Map.entry("FLOWSTAGE_GC_INTERVAL_MINUTES", "5"),
                Map.entry("FLOWSTAGE_WINDOW_CACHE_MB", "512"),
                Map.entry("FLOWSTAGE_WINDOW_CACHE_OPEN_FILES", "64"),
                Map.entry("FLOWSTAGE_HTTP_THREADS", "32"),
                Map.entry("FLOWSTAGE_HTTP_IDLE_TIMEOUT_SECONDS", "9"),
                Map.entry("FLOWSTAGE_SSH_THREADS", "3"),
                Map.entry("FLOWSTAGE_SSH_IDLE_TIMEOUT_SECONDS", "11"),
                Map.entry("FLOWSTAGE_SSH_AUTH_TIMEOUT_SECONDS", "12"),
                Map.entry("FLOWSTAGE_OUTBOUND_ALLOW", "127.0.0.1,10.0.0.0/8"));
        ServerConfig c = load(env);
        assertEquals(AddressPolicy.parse("127.0.0.1/32,10.0.0.0/8"), c.outboundAllow());
        assertEquals("0.0.0.0", c.bind());
        assertEquals(1L << 30, c.maxPushSize());
        assertEquals("git.example.test", c.publicHost());
        assertEquals(Optional.of("s3cret-pass"), c.adminPassword());
        assertEquals(List.of(7, 5, 512, 64, 32, 9, 3, 11, 12), List.of(c.gcPushes(), c.gcIntervalMinutes(),
                c.windowCacheMb(), c.windowCacheOpenFiles(), c.httpThreads(), c.httpIdleTimeoutSeconds(),
                c.sshThreads(), c.sshIdleTimeoutSeconds(), c.sshAuthTimeoutSeconds()));
    }

    @Test
    void portsTakeOffAndRandom() {
        ServerConfig c = load(Map.of(), "--http-port=0", "--https-port=random", "--ssh-port", "RANDOM");
        assertFalse(c.httpPort().enabled());
        assertTrue(c.httpsPort().random());
        assertEquals(0, c.httpsPort().bindValue());
        assertTrue(c.sshPort().random());
        assertEquals("random", c.sshPort().toString());
    }

    @Test
    void sizesAcceptBytesAndSuffixes() {
        assertEquals(64L << 20, load(Map.of(), "--max-push-size=64m").maxPushSize());
        assertEquals(1L << 30, load(Map.of(), "--max-push-size=1g").maxPushSize());
        assertEquals(1L << 30, load(Map.of(), "--max-push-size=1GiB").maxPushSize());
        assertEquals(512L << 10, load(Map.of(), "--max-push-size=512K").maxPushSize());
        assertEquals(123456L, load(Map.of(), "--max-push-size=123456").maxPushSize());
    }

    @Test
    void publicHostIsTheMachineNameBeyondLoopback() {
        assertEquals("localhost", load(Map.of(), "--bind=127.0.0.1").publicHost());
        assertEquals("localhost", load(Map.of(), "--bind=::1").publicHost());
        assertEquals("build-box.example", load(Map.of(), "--bind=0.0.0.0").publicHost());
        assertEquals("build-box.example", load(Map.of(), "--bind=192.168.1.5").publicHost());
        assertEquals("git.example.test", load(Map.of(), "--bind=0.0.0.0", "--public-host=git.example.test").publicHost());
        assertEquals("::1", load(Map.of(), "--public-host=[::1]").publicHost());
    }

    @Test
    void tlsPathsFromPropertiesAreRelativeToTheDataDir() throws Exception {
        properties("tls-cert=certs/server.pem\ntls-key=certs/server.key\n");
        ServerConfig c = load(Map.of());
        assertEquals(Optional.of(c.dataDir().resolve("certs/server.pem")), c.tlsCert());
        assertEquals(Optional.of(c.dataDir().resolve("certs/server.key")), c.tlsKey());
        ServerConfig flags = load(Map.of(), "--tls-cert=/etc/fs/cert.pem", "--tls-key=/etc/fs/key.pem");
        assertEquals(Optional.of(Path.of("/etc/fs/cert.pem")), flags.tlsCert());
    }

    @Test
    void invalidValuesNameTheOptionAndTheirSource() throws Exception {
        assertEquals("invalid value 'abc' for http-port (command-line flag --http-port): expected a port 1-65535, "
                + "0 (off) or 'random' (any free port)", error(Map.of(), "--http-port=abc").getMessage());
        assertEquals("invalid value '70000' for ssh-port (environment variable FLOWSTAGE_SSH_PORT): expected a port "
                + "1-65535, 0 (off) or 'random' (any free port)",
                error(Map.of("FLOWSTAGE_SSH_PORT", "70000")).getMessage());
        properties("max-push-size=lots\n");
        assertEquals("invalid value 'lots' for max-push-size (properties file " + data.toAbsolutePath().normalize()
                + "/flowstage.properties): expected a size greater than 0 in bytes or with a k, m or g suffix, e.g. 64m",
                error(Map.of()).getMessage());
        properties("");
        assertTrue(error(Map.of(), "--max-push-size=0").getMessage().contains("max-push-size"));
        assertTrue(error(Map.of(), "--max-push-size=99999999999t").getMessage().contains("max-push-size"));
        assertEquals("invalid value '0' for ssh-threads (command-line flag --ssh-threads): expected a whole number >= 1",
                error(Map.of(), "--ssh-threads=0").getMessage());
        assertTrue(error(Map.of(), "--bind=not a host").getMessage().startsWith("invalid value 'not a host' for bind"));
    }

    @Test
    void theOutboundAllowListTakesHostsAndCidrsFromEverySource() throws Exception {
        properties("outbound-allow=nodered.lan, 192.168.0.0/16\n");
        assertEquals(AddressPolicy.parse("192.168.0.0/16,nodered.lan"), load(Map.of()).outboundAllow());
        assertEquals(AddressPolicy.parse("::1,127.0.0.1"), load(Map.of("FLOWSTAGE_OUTBOUND_ALLOW", "::1, 127.0.0.1"))
                .outboundAllow());
        assertEquals(AddressPolicy.parse("169.254.169.254"), load(Map.of(), "--outbound-allow=169.254.169.254")
                .outboundAllow());
        assertEquals(AddressPolicy.PUBLIC_ONLY, load(Map.of(), "--outbound-allow=").outboundAllow());
        assertEquals("invalid value '10.0.0.0/40' for outbound-allow (command-line flag --outbound-allow): '10.0.0.0/40'"
                + " has a prefix length outside 0-32; expected comma-separated host names, IP addresses and CIDRs,"
                + " e.g. 127.0.0.1,10.0.0.0/8,nodered.lan", error(Map.of(), "--outbound-allow=10.0.0.0/40").getMessage());
    }

    @Test
    void unknownAndMisplacedOptionsAreErrors() throws Exception {
        assertEquals("unknown option --htp-port", error(Map.of(), "--htp-port=1").getMessage());
        assertEquals("option --http-port needs a value", error(Map.of(), "--http-port").getMessage());
        assertEquals("unexpected argument 'serve'; options look like --http-port=8080",
                error(Map.of(), "serve").getMessage());
        assertEquals("admin-password can only be set with the environment variable FLOWSTAGE_ADMIN_PASSWORD",
                error(Map.of(), "--admin-password=hunter2").getMessage());
        properties("htp-port=1\n");
        assertEquals("unknown option 'htp-port' in " + data.toAbsolutePath().normalize() + "/flowstage.properties",
                error(Map.of()).getMessage());
        properties("data=/elsewhere\n");
        assertTrue(error(Map.of()).getMessage().startsWith("data cannot be set in "));
        properties("admin-password=hunter2\n");
        ConfigException e = error(Map.of());
        assertTrue(e.getMessage().endsWith("use FLOWSTAGE_ADMIN_PASSWORD"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"));
    }

    @Test
    void tlsCertAndKeyGoTogether() {
        assertEquals("tls-cert and tls-key must be given together, but only tls-cert was set "
                + "(command-line flag --tls-cert)", error(Map.of(), "--tls-cert=/x/cert.pem").getMessage());
    }

    @Test
    void theAdminPasswordNeverShows() {
        ServerConfig c = load(Map.of("FLOWSTAGE_ADMIN_PASSWORD", "hunter2-secret"));
        assertFalse(c.toString().contains("hunter2-secret"));
        assertTrue(c.toString().contains("adminPassword=(set)"));
        ConfigException blank = error(Map.of("FLOWSTAGE_ADMIN_PASSWORD", "  "));
        assertEquals("invalid value for admin-password (environment variable FLOWSTAGE_ADMIN_PASSWORD): "
                + "must not be empty", blank.getMessage());
    }

    @Test
    void theMetricsTokenComesFromTheEnvironmentOrThePropertiesFileAndNeverShows() throws Exception {
        assertEquals(Optional.empty(), load(Map.of()).metricsToken());
        ServerConfig c = load(Map.of("FLOWSTAGE_METRICS_TOKEN", "scrape-token-0123456789"));
        assertEquals(Optional.of("scrape-token-0123456789"), c.metricsToken());
        assertFalse(c.toString().contains("scrape-token"));
        assertTrue(c.toString().contains("metricsToken=(set)"));
        assertEquals("metrics-token can only be set with the environment variable FLOWSTAGE_METRICS_TOKEN or in"
                + " flowstage.properties (keep it owner-only)",
                error(Map.of(), "--metrics-token=scrape-token-0123456789").getMessage());
        ConfigException weak = error(Map.of("FLOWSTAGE_METRICS_TOKEN", "short"));
        assertEquals("invalid value for metrics-token (environment variable FLOWSTAGE_METRICS_TOKEN): use at least"
                + " 16 printable characters without spaces", weak.getMessage());
        properties("metrics-token=from-the-file-0123456789\n");
        assertEquals(Optional.of("from-the-file-0123456789"), load(Map.of()).metricsToken());
    }

    @Test
    void logFilesComeFromEverySourceAndAreRelativeToTheDataDirInThePropertiesFile() throws Exception {
        properties("access-log=logs/access.log\naccess-log-keep-days=3\nlog-file=logs/flowstage.log\nlog-keep-days=4\n");
        ServerConfig fromFile = load(Map.of());
        Path base = data.toAbsolutePath().normalize();
        assertEquals(Optional.of(base.resolve("logs/access.log")), fromFile.accessLog());
        assertEquals(Optional.of(base.resolve("logs/flowstage.log")), fromFile.logFile());
        assertEquals(List.of(3, 4), List.of(fromFile.accessLogKeepDays(), fromFile.logKeepDays()));

        ServerConfig fromEnv = load(Map.of("FLOWSTAGE_ACCESS_LOG", "/var/log/fs/access.log",
                "FLOWSTAGE_ACCESS_LOG_KEEP_DAYS", "30", "FLOWSTAGE_LOG_FILE", "/var/log/fs/flowstage.log",
                "FLOWSTAGE_LOG_KEEP_DAYS", "31"));
        assertEquals(Optional.of(Path.of("/var/log/fs/access.log")), fromEnv.accessLog());
        assertEquals(Optional.of(Path.of("/var/log/fs/flowstage.log")), fromEnv.logFile());
        assertEquals(List.of(30, 31), List.of(fromEnv.accessLogKeepDays(), fromEnv.logKeepDays()));

        ServerConfig fromFlags = load(Map.of(), "--access-log=a.log", "--log-file", "f.log", "--log-keep-days=2");
        assertEquals(Optional.of(Path.of("a.log").toAbsolutePath()), fromFlags.accessLog(), "flags: relative to the working dir");
        assertEquals(Optional.of(Path.of("f.log").toAbsolutePath()), fromFlags.logFile());
        assertEquals(2, fromFlags.logKeepDays());
        assertTrue(fromFlags.toString().contains("logFile=" + Path.of("f.log").toAbsolutePath()), fromFlags.toString());
    }

    @Test
    void logRetentionIsAtLeastADay() {
        assertEquals("invalid value '0' for access-log-keep-days (command-line flag --access-log-keep-days): expected a"
                + " whole number >= 1", error(Map.of(), "--access-log-keep-days=0").getMessage());
        assertEquals("invalid value 'x' for log-keep-days (environment variable FLOWSTAGE_LOG_KEEP_DAYS): expected a"
                + " whole number >= 1", error(Map.of("FLOWSTAGE_LOG_KEEP_DAYS", "x")).getMessage());
        assertEquals("invalid value ' ' for log-file (command-line flag --log-file): expected a file path",
                error(Map.of(), "--log-file= ").getMessage());
    }

    @Test
    void withPortsKeepsEverythingElse() {
        ServerConfig c = load(Map.of("FLOWSTAGE_GC_PUSHES", "9"));
        ServerConfig random = c.withPorts(Port.RANDOM, Port.OFF, Port.RANDOM);
        assertEquals(Port.RANDOM, random.httpPort());
        assertEquals(Port.OFF, random.httpsPort());
        assertEquals(9, random.gcPushes());
        assertEquals(c.withPorts(c.httpPort(), c.httpsPort(), c.sshPort()), c);
    }

    @Test
    void everyOptionHasAnEnvironmentName() {
        assertEquals("FLOWSTAGE_HTTP_PORT", ConfigOption.HTTP_PORT.environmentVariable());
        assertEquals("FLOWSTAGE_DATA", ConfigOption.DATA.environmentVariable());
        assertEquals("FLOWSTAGE_SSH_IDLE_TIMEOUT_SECONDS", ConfigOption.SSH_IDLE_TIMEOUT_SECONDS.environmentVariable());
    }

    @Test
    void theConfigurationDocumentListsEveryOptionWithItsDefault() throws Exception {
        // the README, and the pages under docs/ that it links (options of one feature are documented with it)
        StringBuilder all = new StringBuilder(Files.readString(Path.of("../README.md")));
        Path docs = Path.of("../docs");
        try (var pages = Files.isDirectory(docs) ? Files.list(docs) : java.util.stream.Stream.<Path>empty()) {
            for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                all.append('\n').append(Files.readString(page));
            }
        }
        String doc = all.toString();
        for (ConfigOption option : ConfigOption.values()) {
            assertTrue(doc.contains("`" + option.environmentVariable() + "`"), option.environmentVariable());
            if (option.allowedAsFlag()) {
                assertTrue(doc.contains("| `" + option.flag() + "` | `" + option.environmentVariable() + "` | "
                        + option.defaultValue().map(d -> "`" + d + "`").orElse("")), option.flag());
            }
        }
    }
}
