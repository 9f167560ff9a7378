package dev.flowstage.server.config;

import dev.flowstage.hooks.outbound.AddressPolicy;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One option's raw text and where it came from, with the typed conversions; a bad value throws a
 * {@link ConfigException} naming the option, the value and its source.
 */
record RawValue(ConfigOption option, String text, ConfigSource source, String origin) {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(?:i?b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:%-]+");

    /** "command-line flag --http-port", "environment variable FLOWSTAGE_HTTP_PORT", ... */
    String where() {
        return source.label() + " " + origin;
    }

    ConfigException invalid(String expected) {
        String shown = option.secret() ? "" : " '" + text + "'";
        return new ConfigException("invalid value" + shown + " for " + option.key() + " (" + where() + "): " + expected);
    }

    Port port() {
        String t = text.trim();
        if (t.equalsIgnoreCase("random")) {
            return Port.RANDOM;
        }
        try {
            int p = Integer.parseInt(t);
            if (p >= 0 && p <= 65535) {
                return Port.of(p);
            }
        } catch (NumberFormatException e) {
            // reported below with the expected forms
        }
        throw invalid("expected a port 1-65535, 0 (off) or 'random' (any free port)");
    }

    int intAtLeast(int min) {
        try {
            int v = Integer.parseInt(text.trim());
            if (v >= min) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid("expected a whole number >= " + min);
    }

    /** Bytes, or a number with k, m, g or t (powers of 1024, optionally followed by b or ib). */
    long size() {
        Matcher m = SIZE.matcher(text.trim());
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "k" -> 10;
                    case "m" -> 20;
                    case "g" -> 30;
                    case "t" -> 40;
                    default -> 0;
                };
                long bytes = Math.multiplyExact(n, 1L << shift);
                if (bytes > 0) {
                    return bytes;
                }
            } catch (ArithmeticException | NumberFormatException e) {
                // reported below
            }
        }
        throw invalid("expected a size greater than 0 in bytes or with a k, m or g suffix, e.g. 64m");
    }

    /** Relative paths from the properties file are relative to the data directory. */
    Path path(Path relativeTo) {
        try {
            Path p = Path.of(text.trim());
            if (text.isBlank()) {
                throw invalid("expected a file path");
            }
            return (relativeTo == null ? p.toAbsolutePath() : relativeTo.resolve(p)).normalize();
        } catch (InvalidPathException e) {
            throw invalid("expected a file path");
        }
    }

    /** A host name or IP literal; IPv6 brackets are dropped. */
    String host() {
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (!HOST.matcher(t).matches()) {
            throw invalid("expected a host name or IP address");
        }
        return t;
    }

    /** Comma-separated host names, IP addresses and CIDRs; empty for public addresses only. */
    AddressPolicy addressPolicy() {
        try {
            return AddressPolicy.parse(text);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage() + "; expected comma-separated host names, IP addresses and CIDRs,"
                    + " e.g. 127.0.0.1,10.0.0.0/8,nodered.lan");
        }
    }

    String nonBlank() {
        if (text.isBlank()) {
            throw invalid("must not be empty");
        }
        return text;
    }

    /** A shared secret such as the metrics token: printable, no spaces, long enough not to be guessed. */
    String token() {
        String t = text.strip();
        if (t.length() < 16 || !t.chars().allMatch(c -> c > 32 && c < 127)) {
            throw invalid("use at least 16 printable characters without spaces");
        }
        return t;
    }
}
