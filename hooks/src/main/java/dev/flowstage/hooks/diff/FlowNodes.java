package dev.flowstage.hooks.diff;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The nodes of one flows.json by id, in file order, each kept as the slice of bytes it was written as.
 * Two versions of a node with the same bytes are equal without being parsed, so a diff only builds
 * trees for the few nodes that differ.
 */
final class FlowNodes {
    private final ObjectMapper json;
    private final Map<String, Node> byId = new LinkedHashMap<>();

    /** One node: where it is in the file, and the top-level fields grouping needs. */
    final class Node {
        private final byte[] source;
        private final int from;
        private final int to;
        final String id;
        final String type;
        final String z;
        private ObjectNode tree;

        private Node(byte[] source, int from, int to, String id, String type, String z) {
            this.source = source;
            this.from = from;
            this.to = to;
            this.id = id;
            this.type = type;
            this.z = z;
        }

        boolean sameBytes(Node other) {
            return Arrays.equals(source, from, to, other.source, other.from, other.to);
        }

        /** The node parsed, on first use. */
        ObjectNode tree() {
            if (tree == null) {
                try {
                    tree = (ObjectNode) json.readTree(source, from, to - from);
                } catch (IOException e) {
                    throw new UncheckedIOException("re-reading a node that parsed before", e);
                }
            }
            return tree;
        }

        /** A tab or subflow is its own group; any other node belongs to its z ("" when it has none). */
        String group() {
            if ("tab".equals(type) || "subflow".equals(type)) {
                return id;
            }
            return z == null ? "" : z;
        }

        /** The node's name, or its label (tabs have labels). */
        String name() {
            String name = text("name");
            return name != null && !name.isEmpty() ? name : text("label");
        }

        String text(String field) {
            JsonNode v = tree().get(field);
            return v != null && v.isTextual() ? v.textValue() : null;
        }
    }

    /**
     * Indexes {@code flows} (null: no nodes). Entries that are not objects with a string id are not
     * nodes and are left out; of two nodes with one id the first counts.
     *
     * @throws IllegalArgumentException when flows is not a JSON array
     */
    FlowNodes(JsonFactory factory, ObjectMapper json, byte[] flows, String side) {
        this.json = json;
        if (flows == null) {
            return;
        }
        try (JsonParser p = factory.createParser(flows)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("flows.json (" + side + ") is not a JSON array");
            }
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                int from = (int) p.currentTokenLocation().getByteOffset();
                String id = null;
                String type = null;
                String z = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (value == JsonToken.VALUE_STRING) {
                        switch (field) {
                            case "id" -> id = p.getText();
                            case "type" -> type = p.getText();
                            case "z" -> z = p.getText();
                            default -> { }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                int to = (int) p.currentTokenLocation().getByteOffset() + 1; // just past the '}'
                if (id != null) {
                    byId.putIfAbsent(id, new Node(flows, from, to, id, type, z));
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("flows.json (" + side + ") is not valid JSON");
        }
    }

    Map<String, Node> byId() {
        return byId;
    }

    Node get(String id) {
        return byId.get(id);
    }
}
