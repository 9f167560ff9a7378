package dev.flowstage.storage.snapshot;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Translates Jackson's parse errors into short messages a flow developer understands, located at the
 * offending character (1-based line and character column), e.g. {@code line 12, column 5: expected ',' or ']'}.
 */
final class JsonSyntaxProblems {
    private static final Pattern UNEXPECTED_CHAR =
            Pattern.compile("^Unexpected character \\('(.)' \\(code (\\d+)\\)\\)");
    private static final Pattern CLOSE_MARKER = Pattern.compile("^Unexpected close marker '(.)': expected '(.)'");
    private static final Pattern START_MARKER = Pattern.compile("line: (\\d+), column: (\\d+)\\]");
    private static final Pattern TOKEN = Pattern.compile("^(?:Unrecognized|Non-standard) token '([^']*)'");
    private static final Pattern CTRL_CHAR = Pattern.compile("\\(CTRL-CHAR, code (\\d+)\\)");
    private static final Pattern ESCAPE = Pattern.compile("^Unrecognized character escape '(.)'");

    private JsonSyntaxProblems() {}

    static SnapshotProblem translate(String file, byte[] content, TextPositions positions, JsonParser parser,
            JsonProcessingException e) {
        String raw = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        JsonLocation loc = e.getLocation();
        long offset = loc == null ? content.length : loc.getByteOffset();
        if (offset < 0) {
            offset = content.length;
        }
        String message;
        Matcher m;
        if (e instanceof StreamConstraintsException) {
            message = "the file exceeds a parser limit: " + firstSentence(raw);
        } else if (raw.startsWith("Unexpected end-of-input in VALUE_STRING")
                || raw.startsWith("Unexpected end-of-input in field name")
                || raw.contains("was expecting closing quote")) {
            // Point at the opening quote of the string that never ends, not at the end of the file.
            offset = tokenStart(parser, offset);
            message = "this string is never closed (missing '\"')";
        } else if (raw.startsWith("Unexpected end-of-input")) {
            message = "unexpected end of file" + unclosed(raw, positions);
        } else if ((m = CLOSE_MARKER.matcher(raw)).find()) {
            message = "found '" + m.group(1) + "' where '" + m.group(2) + "' was expected" + openedAt(raw, positions);
        } else if (raw.startsWith("Unexpected close marker '")) {
            message = "'" + raw.charAt("Unexpected close marker '".length()) + "' closes nothing";
        } else if ((m = CTRL_CHAR.matcher(raw)).find()) {
            message = switch (Integer.parseInt(m.group(1))) {
                case 10, 13 -> "line break inside a string (write it as \\n)";
                case 9 -> "tab inside a string (write it as \\t)";
                default -> "control character (code " + m.group(1) + ") inside a string must be escaped";
            };
        } else if (raw.contains("in numeric value") || raw.startsWith("Invalid numeric value")) {
            message = raw.contains("Leading zeroes not allowed") ? "numbers must not start with 0" : "invalid number";
        } else if ((m = UNEXPECTED_CHAR.matcher(raw)).find()) {
            message = unexpectedCharacter(m.group(1).charAt(0), raw);
        } else if ((m = TOKEN.matcher(raw)).find()) {
            String token = m.group(1);
            if (raw.startsWith("Non-standard")) {
                // Jackson reports the position after a non-standard token; point at its start.
                offset = Math.max(0, offset - token.length());
                message = "'" + token + "' is not valid JSON";
            } else {
                message = "unknown word '" + token + "', expected a value";
            }
        } else if ((m = ESCAPE.matcher(raw)).find()) {
            message = "invalid escape '\\" + m.group(1) + "' in a string";
        } else if (raw.startsWith("Invalid UTF-8")) {
            message = "invalid UTF-8 bytes (save the file as UTF-8)";
        } else {
            message = firstSentence(raw);
        }
        int[] lc = positions.at(offset);
        return new SnapshotProblem(file, lc[0], lc[1], message);
    }

    private static String unexpectedCharacter(char c, String raw) {
        if (raw.contains("comma to separate Array entries")) {
            return "expected ',' or ']'";
        }
        if (raw.contains("comma to separate Object entries")) {
            return "expected ',' or '}'";
        }
        if (raw.contains("colon to separate field name and value")) {
            return "expected ':'";
        }
        if (raw.contains("double-quote to start field name")) {
            return switch (c) {
                case '}' -> "expected a property name after ',' (JSON allows no trailing comma)";
                case '\'' -> "property names need double quotes, not single quotes";
                default -> "expected '\"' to start a property name (property names need double quotes)";
            };
        }
        if (raw.contains("maybe a (non-standard) comment")) {
            return "comments are not allowed in JSON";
        }
        if (raw.contains("expected a value") || raw.contains("expected a valid value")) {
            return switch (c) {
                case ']', '}' -> "expected a value, found '" + c + "' (JSON allows no trailing comma)";
                case '\'' -> "strings need double quotes, not single quotes";
                default -> "expected a value, found '" + c + "'";
            };
        }
        return "unexpected '" + c + "'";
    }

    private static String unclosed(String raw, TextPositions positions) {
        String what = raw.contains("close marker for Object") ? "object"
                : raw.contains("close marker for Array") ? "array" : null;
        if (what == null) {
            return "";
        }
        return ": the " + what + " opened" + location(raw, positions) + " is not closed";
    }

    private static String openedAt(String raw, TextPositions positions) {
        String what = raw.contains("for Object starting") ? "object"
                : raw.contains("for Array starting") ? "array" : null;
        return what == null ? "" : " (to close the " + what + " opened" + location(raw, positions) + ")";
    }

    /** " at line L, column C" of the start marker Jackson names in its message, in character columns. */
    private static String location(String raw, TextPositions positions) {
        Matcher m = START_MARKER.matcher(raw);
        if (!m.find()) {
            return "";
        }
        long startOffset = positions.offsetOf(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        int[] lc = positions.at(startOffset);
        return " at line " + lc[0] + ", column " + lc[1];
    }

    private static long tokenStart(JsonParser parser, long fallback) {
        // Jackson reads string values lazily, so the current token is still the unterminated string;
        // property names are read eagerly, so for those there is no better place than the end.
        if (parser != null && parser.currentToken() == JsonToken.VALUE_STRING) {
            long start = parser.currentTokenLocation().getByteOffset();
            if (start >= 0) {
                return start;
            }
        }
        return fallback;
    }

    private static String firstSentence(String raw) {
        String s = raw.replaceAll("\\s*\\[Source:.*", "");
        int colon = s.indexOf(": ");
        if (colon > 0 && s.length() > 120) {
            s = s.substring(0, colon);
        }
        return s.isEmpty() ? "invalid JSON" : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
