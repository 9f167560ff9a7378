package dev.flowstage.server.config;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The options of {@code serve}, declared with picocli from {@link ConfigOption} (the one list of
 * options: a new option is one enum constant), each described with its environment variable and
 * default, so {@code serve --help} lists them all. picocli parses the flags; {@link ConfigLoader}
 * then applies the environment and the properties file under them, keeping where each value came
 * from for its error messages.
 */
public final class ServeOptions implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
        addTo(spec);
        return spec;
    }

    /** Adds one option per {@link ConfigOption}; the environment-only ones are hidden (and refused later). */
    public static void addTo(CommandSpec spec) {
        for (ConfigOption option : ConfigOption.values()) {
            spec.addOption(OptionSpec.builder(option.flag())
                    .paramLabel("<" + option.key() + ">")
                    .type(String.class)
                    .hidden(!option.allowedAsFlag())
                    .description(description(option))
                    .build());
        }
    }

    static String description(ConfigOption option) {
        StringBuilder d = new StringBuilder(option.description()).append(" (env ").append(option.environmentVariable());
        option.defaultValue().ifPresent(v -> d.append("; default ").append(v));
        return d.append(')').toString();
    }

    /** The flags given, by key ({@code http-port}); of a flag given twice, the last value. */
    public static Map<String, String> flags(ParseResult parsed) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (OptionSpec option : parsed.matchedOptions()) {
            ConfigOption.byKey(option.longestName().substring(2))
                    .ifPresent(o -> flags.put(o.key(), option.getValue()));
        }
        return flags;
    }

    /** A picocli parse error in the words the server has always used, naming the option. */
    public static ConfigException toConfigException(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            if (arg.startsWith("--") && arg.length() > 2) {
                int eq = arg.indexOf('=');
                return new ConfigException("unknown option " + (eq < 0 ? arg : arg.substring(0, eq)));
            }
            return new ConfigException("unexpected argument '" + arg + "'; options look like --http-port=8080");
        }
        if (e instanceof CommandLine.MissingParameterException m && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof OptionSpec option) {
            return new ConfigException("option " + option.longestName() + " needs a value");
        }
        ArgSpec arg = e.getArgSpec();
        return new ConfigException(arg instanceof OptionSpec o ? o.longestName() + ": " + e.getMessage() : e.getMessage());
    }
}
