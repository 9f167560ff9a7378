package dev.flowstage.storage.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads and writes the metadata JSON files: pretty-printed with two-space indents, {@code "key": value},
 * fields in a fixed order and a trailing newline, so that diffs of the metadata repos read well.
 */
public final class MetaJson {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectWriter WRITER;

    static {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""));
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        WRITER = MAPPER.writer(printer);
    }

    private MetaJson() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static byte[] write(JsonNode node) {
        try {
            return (WRITER.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** Parses {@code path}'s content as a JSON object; @throws MetaInvalidException naming the file. */
    public static ObjectNode readObject(String path, byte[] content) {
        JsonNode node;
        try {
            node = MAPPER.readTree(content);
        } catch (IOException e) {
            throw new MetaInvalidException(path + ": not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new MetaInvalidException(path + ": must be a JSON object");
        }
        return (ObjectNode) node;
    }

    public static String text(String path, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new MetaInvalidException(path + ": '" + field + "' must be a string");
        }
        return v.asText();
    }

    public static String requiredText(String path, JsonNode node, String field) {
        String s = text(path, node, field);
        if (s == null) {
            throw new MetaInvalidException(path + ": '" + field + "' is required");
        }
        return s;
    }

    public static boolean bool(String path, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new MetaInvalidException(path + ": '" + field + "' must be true or false");
        }
        return v.booleanValue();
    }

    /** A whole number, or null when the field is absent. */
    public static Long number(String path, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new MetaInvalidException(path + ": '" + field + "' must be a whole number");
        }
        return v.longValue();
    }

    public static Instant instant(String path, JsonNode node, String field) {
        String s = text(path, node, field);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new MetaInvalidException(path + ": '" + field + "' must be an ISO-8601 time such as 2026-01-31T12:00:00Z");
        }
    }

    public static void put(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    public static void put(ObjectNode node, String field, Instant value) {
        if (value != null) {
            node.put(field, value.toString());
        }
    }
}
