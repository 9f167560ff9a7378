package dev.flowstage.hooks.review;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The nodes of one flows.json by id, in file order, each kept as the bytes it was written as, plus the
 * whitespace the file puts around its nodes, so a merge can write nodes back exactly as they were.
 */
final class FlowNodeIndex {
    /** One node's bytes and the fields a conflict message names. */
    record Node(String id, String type, String name, byte[] bytes) {
        /** Same bytes, or the same JSON written differently. */
        boolean sameAs(Node other, ObjectMapper json) {
            if (other == null) {
                return false;
            }
            if (Arrays.equals(bytes, other.bytes)) {
                return true;
            }
            try {
                JsonNode a = json.readTree(bytes);
                JsonNode b = json.readTree(other.bytes);
                return a.equals(b);
            } catch (IOException e) {
                return false;
            }
        }

        /** e.g. {@code "a1b2" (function "Parse")}. */
        String describe() {
            StringBuilder sb = new StringBuilder("\"").append(id).append("\" (").append(type == null ? "node" : type);
            if (name != null && !name.isEmpty()) {
                sb.append(" \"").append(name).append('"');
            }
            return sb.append(')').toString();
        }
    }

    final Map<String, Node> byId = new LinkedHashMap<>();
    /** Whitespace between '[' and the first node, e.g. "\n    " for Node-RED's pretty format; "" when compact. */
    final String lead;
    /** Whitespace between the last node and ']'. */
    final String trail;

    /** @throws IllegalArgumentException when {@code flows} is not a JSON array */
    FlowNodeIndex(JsonFactory factory, byte[] flows) {
        String leadWs = "\n    ";
        String trailWs = "\n";
        if (flows == null) {
            lead = leadWs;
            trail = trailWs;
            return;
        }
        try (JsonParser p = factory.createParser(flows)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("flows.json is not a JSON array");
            }
            int open = (int) p.currentTokenLocation().getByteOffset();
            boolean first = true;
            int lastEnd = open + 1;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                int from = (int) p.currentTokenLocation().getByteOffset();
                if (first) {
                    leadWs = new String(flows, open + 1, from - open - 1, StandardCharsets.UTF_8);
                    first = false;
                }
                if (t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                String id = null;
                String type = null;
                String name = null;
                String label = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    if (p.nextToken() == JsonToken.VALUE_STRING) {
                        switch (field) {
                            case "id" -> id = p.getText();
                            case "type" -> type = p.getText();
                            case "name" -> name = p.getText();
                            case "label" -> label = p.getText();
                            default -> { }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                int to = (int) p.currentTokenLocation().getByteOffset() + 1;
                lastEnd = to;
                if (id != null) {
                    byId.putIfAbsent(id, new Node(id, type, name != null && !name.isEmpty() ? name : label,
                            Arrays.copyOfRange(flows, from, to)));
                }
            }
            int close = (int) p.currentTokenLocation().getByteOffset();
            if (!first) {
                trailWs = new String(flows, lastEnd, close - lastEnd, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("flows.json is not valid JSON", e);
        }
        lead = leadWs.isBlank() ? leadWs : "\n    ";
        trail = trailWs.isBlank() ? trailWs : "\n";
    }
}
