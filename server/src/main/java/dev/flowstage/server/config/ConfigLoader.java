package dev.flowstage.server.config;

import dev.flowstage.hooks.outbound.AddressPolicy;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Builds the {@link ServerConfig}: for each option the command-line flag wins over the environment
 * variable ({@code FLOWSTAGE_HTTP_PORT}), which wins over {@code DATA/flowstage.properties}
 * ({@code http-port=8080}), which wins over the default. The data directory itself comes from
 * {@code --data} or {@code FLOWSTAGE_DATA} only; the admin password from
 * {@code FLOWSTAGE_ADMIN_PASSWORD} only. Relative paths in the properties file are relative to the
 * data directory. Ports take {@code random} for "any free port" (tests, several servers side by side).
 */
public final class ConfigLoader {
    private static final Set<String> LOOPBACK_BINDS = Set.of("127.0.0.1", "::1", "localhost");

    private final Supplier<String> machineHostName;

    public ConfigLoader() {
        this(ConfigLoader::localHostName);
    }

    /** @param machineHostName the host name for {@code public-host} when bound beyond loopback */
    public ConfigLoader(Supplier<String> machineHostName) {
        this.machineHostName = machineHostName;
    }

    /** Loads from {@code --name=value} / {@code --name value} arguments and the given environment. */
    public ServerConfig load(List<String> args, Map<String, String> env) {
        return load(parseFlags(args), env);
    }

    /** Loads from flags already split into option key ({@code http-port}) → value. */
    public ServerConfig load(Map<String, String> flags, Map<String, String> env) {
        Map<ConfigOption, RawValue> flagValues = new EnumMap<>(ConfigOption.class);
        flags.forEach((key, value) -> {
            ConfigOption option = ConfigOption.byKey(key)
                    .orElseThrow(() -> new ConfigException("unknown option --" + key));
            checkFlagAllowed(option);
            flagValues.put(option, new RawValue(option, value, ConfigSource.FLAG, option.flag()));
        });
        RawValue dataValue = flagValues.getOrDefault(ConfigOption.DATA, fromEnv(ConfigOption.DATA, env)
                .orElse(new RawValue(ConfigOption.DATA, "./data", ConfigSource.DEFAULT, "--data")));
        Path dataDir = dataValue.path(null);
        Path propertiesFile = dataDir.resolve(ServerConfig.PROPERTIES_FILE);
        Map<ConfigOption, RawValue> fileValues = readProperties(propertiesFile);

        Resolver r = option -> Optional.ofNullable(flagValues.get(option))
                .or(() -> fromEnv(option, env))
                .or(() -> Optional.ofNullable(fileValues.get(option)))
                .or(() -> option.defaultValue().map(d -> new RawValue(option, d, ConfigSource.DEFAULT, option.flag())));

        String bind = r.require(ConfigOption.BIND).host();
        Optional<RawValue> cert = r.find(ConfigOption.TLS_CERT);
        Optional<RawValue> key = r.find(ConfigOption.TLS_KEY);
        if (cert.isPresent() != key.isPresent()) {
            RawValue given = cert.orElseGet(key::get);
            throw new ConfigException("tls-cert and tls-key must be given together, but only "
                    + given.option().key() + " was set (" + given.where() + ")");
        }
        String publicHost = r.find(ConfigOption.PUBLIC_HOST).map(RawValue::host)
                .orElseGet(() -> LOOPBACK_BINDS.contains(bind) ? "localhost" : machineHostName.get());
        return new ServerConfig(
                dataDir,
                bind,
                r.require(ConfigOption.HTTP_PORT).port(),
                r.require(ConfigOption.HTTPS_PORT).port(),
                r.require(ConfigOption.SSH_PORT).port(),
                cert.map(v -> v.path(relativeBase(v, dataDir))),
                key.map(v -> v.path(relativeBase(v, dataDir))),
                r.require(ConfigOption.MAX_PUSH_SIZE).size(),
                publicHost,
                fromEnv(ConfigOption.ADMIN_PASSWORD, env).map(RawValue::nonBlank),
                r.require(ConfigOption.GC_PUSHES).intAtLeast(1),
                r.require(ConfigOption.GC_INTERVAL_MINUTES).intAtLeast(1),
                r.require(ConfigOption.WINDOW_CACHE_MB).intAtLeast(1),
                r.require(ConfigOption.WINDOW_CACHE_OPEN_FILES).intAtLeast(16),
                r.require(ConfigOption.HTTP_THREADS).intAtLeast(16),
                r.require(ConfigOption.HTTP_IDLE_TIMEOUT_SECONDS).intAtLeast(1),
                r.require(ConfigOption.SSH_THREADS).intAtLeast(1),
                r.require(ConfigOption.SSH_IDLE_TIMEOUT_SECONDS).intAtLeast(1),
                r.require(ConfigOption.SSH_AUTH_TIMEOUT_SECONDS).intAtLeast(1),
                r.find(ConfigOption.OUTBOUND_ALLOW).map(RawValue::addressPolicy).orElse(AddressPolicy.PUBLIC_ONLY),
                r.find(ConfigOption.METRICS_TOKEN).map(RawValue::token),
                r.find(ConfigOption.ACCESS_LOG).map(v -> v.path(relativeBase(v, dataDir))),
                r.require(ConfigOption.ACCESS_LOG_KEEP_DAYS).intAtLeast(1),
                r.find(ConfigOption.LOG_FILE).map(v -> v.path(relativeBase(v, dataDir))),
                r.require(ConfigOption.LOG_KEEP_DAYS).intAtLeast(1));
    }

    /**
     * Splits {@code --name=value} and {@code --name value} into key → value (the last one wins), with
     * the same picocli declaration as {@code serve}. Unknown options and stray arguments are errors,
     * so a typo never silently falls back to a default.
     */
    public static Map<String, String> parseFlags(List<String> args) {
        CommandSpec spec = CommandSpec.create();
        ServeOptions.addTo(spec);
        CommandLine cli = new CommandLine(spec).setOverwrittenOptionsAllowed(true);
        try {
            return ServeOptions.flags(cli.parseArgs(args.toArray(new String[0])));
        } catch (CommandLine.ParameterException e) {
            throw ServeOptions.toConfigException(e);
        }
    }

    private static void checkFlagAllowed(ConfigOption option) {
        if (!option.allowedAsFlag()) {
            // a secret on a command line is visible to every local user through the process list
            throw new ConfigException(option.key() + " can only be set with the environment variable "
                    + option.environmentVariable() + (option.allowedInPropertiesFile()
                            ? " or in " + ServerConfig.PROPERTIES_FILE + " (keep it owner-only)" : ""));
        }
    }

    private static Path relativeBase(RawValue value, Path dataDir) {
        return value.source() == ConfigSource.PROPERTIES_FILE ? dataDir : null;
    }

    private static Optional<RawValue> fromEnv(ConfigOption option, Map<String, String> env) {
        String name = option.environmentVariable();
        return Optional.ofNullable(env.get(name))
                .map(v -> new RawValue(option, v, ConfigSource.ENVIRONMENT, name));
    }

    private static Map<ConfigOption, RawValue> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        Map<ConfigOption, RawValue> values = new EnumMap<>(ConfigOption.class);
        for (String key : properties.stringPropertyNames()) {
            ConfigOption option = ConfigOption.byKey(key).orElseThrow(
                    () -> new ConfigException("unknown option '" + key + "' in " + file));
            if (!option.allowedInPropertiesFile()) {
                throw new ConfigException(key + " cannot be set in " + file + "; use "
                        + (option.allowedAsFlag() ? option.flag() + " or " : "") + option.environmentVariable());
            }
            values.put(option, new RawValue(option, properties.getProperty(key), ConfigSource.PROPERTIES_FILE,
                    file.toString()));
        }
        return values;
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Looks an option up through the precedence chain. */
    private interface Resolver {
        Optional<RawValue> find(ConfigOption option);

        default RawValue require(ConfigOption option) {
            return find(option).orElseThrow(() -> new IllegalStateException("no default for " + option));
        }
    }
}
