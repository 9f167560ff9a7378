package dev.flowstage.server.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One line of the request log, in the NCSA combined layout with the duration appended:
 * <pre>
 * 203.0.113.7 - alice [02/Dec/2026:05:48:02 +0000] "GET /api/v1/teams?limit=10 HTTP/1.1" 200 312 "-" "curl/8.5.0" 14
 * </pre>
 * client address, {@code -} (ident), the signed-in user or device ({@code -} when none), the time the request
 * arrived (UTC), the request line, status, response body bytes, {@code "-"} (the referrer is never logged: it
 * can carry another page's URL with its query), the user agent, and the time taken in milliseconds.
 * <p>
 * Nothing that can carry a secret is written: no header but User-Agent; the path segment after
 * {@code hooks} (a pipeline's webhook secret) and whatever follows it become {@code ***}; of the query
 * string only the values of parameters known to carry none are kept ({@link #PLAIN_PARAMETERS}); a
 * parameter known to carry one keeps its name ({@code secret=***}, {@code ticket=***}); any other
 * parameter is {@code ***} altogether. Quotes, backslashes and control characters are escaped, so a
 * line cannot be forged through a header.
 */
public record AccessLogLine(String client, Optional<String> user, Instant received, String method, String path,
                            Optional<String> query, String protocol, int status, long bytes,
                            Optional<String> userAgent, long millis) {
    /** Query parameters whose values are kept: paging, filters, Git's service name. */
    static final Set<String> PLAIN_PARAMETERS = Set.of("service", "limit", "cursor", "action", "from", "to",
            "position", "snapshot", "stage", "state");
    /** Query parameters whose values are secrets: a snapshot's download secret, an event stream ticket. */
    static final Set<String> SECRET_PARAMETERS = Set.of("secret", "ticket", "token", "access_token", "password");
    static final String REDACTED = "***";
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

    /** The line, without a line break. */
    public String format() {
        StringBuilder line = new StringBuilder(256);
        line.append(escape(client)).append(" - ").append(user.map(AccessLogLine::escape).orElse("-"))
                .append(" [").append(TIME.format(received)).append("] \"")
                .append(escape(method)).append(' ').append(escape(redactPath(path)));
        query.filter(q -> !q.isEmpty()).ifPresent(q -> line.append('?').append(escape(redactQuery(q))));
        line.append(' ').append(escape(protocol)).append("\" ").append(status).append(' ').append(bytes)
                .append(" \"-\" \"").append(userAgent.map(AccessLogLine::escape).orElse("-")).append("\" ")
                .append(millis);
        return line.toString();
    }

    /** The path up to and including a {@code hooks} segment, then {@code ***} for the rest. */
    static String redactPath(String path) {
        int start = 0;
        while (start < path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            if (isHooks(path.substring(start, end))) {
                return end < path.length() ? path.substring(0, end + 1) + REDACTED : path;
            }
            start = end + 1;
        }
        return path;
    }

    private static boolean isHooks(String segment) {
        int params = segment.indexOf(';');
        String name = params < 0 ? segment : segment.substring(0, params);
        return "hooks".equalsIgnoreCase(decode(name));
    }

    static String redactQuery(String query) {
        StringBuilder out = new StringBuilder(query.length());
        for (String parameter : query.split("&", -1)) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            int eq = parameter.indexOf('=');
            String name = decode(eq < 0 ? parameter : parameter.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (PLAIN_PARAMETERS.contains(name)) {
                out.append(parameter);
            } else if (SECRET_PARAMETERS.contains(name)) {
                out.append(name).append('=').append(REDACTED);
            } else {
                out.append(REDACTED);
            }
        }
        return out.toString();
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape: compared as sent
        }
    }

    /** {@code "} and {@code \} backslash-escaped, control and non-ASCII characters as {@code \xHH} / {@code \\uHHHH}. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else if (c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
