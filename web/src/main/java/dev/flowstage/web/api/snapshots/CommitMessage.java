package dev.flowstage.web.api.snapshots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A snapshot's name and description as kept in a commit message: the subject is the name, the body
 * (less a closing block of {@code Key: value} trailers) the description; trailers such as
 * {@code Flowstage-Source:} carry where a promotion came from.
 */
record CommitMessage(String name, String description, Map<String, String> trailers) {
    static final String SOURCE_TRAILER = "Flowstage-Source";
    private static final Pattern TRAILER = Pattern.compile("^([A-Za-z][A-Za-z0-9-]*):\\s?(.*)$");

    static CommitMessage parse(String message) {
        String text = message.replace("\r\n", "\n").strip();
        int nl = text.indexOf('\n');
        String subject = (nl < 0 ? text : text.substring(0, nl)).strip();
        String body = nl < 0 ? "" : text.substring(nl + 1).strip();
        Map<String, String> trailers = new LinkedHashMap<>();
        int lastBlank = body.lastIndexOf("\n\n");
        String lastParagraph = lastBlank < 0 ? body : body.substring(lastBlank + 2);
        Map<String, String> parsed = trailers(lastParagraph);
        if (parsed != null) {
            trailers.putAll(parsed);
            body = lastBlank < 0 ? "" : body.substring(0, lastBlank).strip();
        }
        return new CommitMessage(subject, body, trailers);
    }

    /** The trailers of a paragraph whose every line is one, else null (it is prose). */
    private static Map<String, String> trailers(String paragraph) {
        if (paragraph.isBlank()) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : paragraph.split("\n")) {
            Matcher m = TRAILER.matcher(line.strip());
            if (!m.matches()) {
                return null;
            }
            out.putIfAbsent(m.group(1), m.group(2).strip());
        }
        return out;
    }

    /** The value of {@code Flowstage-Source:}, or null. */
    String source() {
        return trailers.get(SOURCE_TRAILER);
    }

    /** A commit message for a snapshot: the name, a blank line and the description when there is one. */
    static String format(String name, String description) {
        List<String> parts = new ArrayList<>();
        parts.add(name.strip());
        if (description != null && !description.isBlank()) {
            parts.add(description.strip());
        }
        return String.join("\n\n", parts) + "\n";
    }
}
