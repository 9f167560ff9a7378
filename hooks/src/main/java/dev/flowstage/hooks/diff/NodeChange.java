package dev.flowstage.hooks.diff;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What happened to one node, by id. {@code properties} names the changed top-level properties (sorted);
 * {@code texts} holds line diffs of changed code and templates; {@code wires} is set when the wires
 * changed; {@code movedFrom} is set when the node moved to another tab or subflow (its {@code z}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeChange(Kind kind, String id, String type, String name, List<String> properties,
        List<TextDiff> texts, Wires wires, GroupRef movedFrom) {

    /** The kinds of change of SPEC §7; in JSON in lower case, like {@link ModuleChange#change()}. */
    public enum Kind {
        @JsonProperty("added") ADDED,
        @JsonProperty("removed") REMOVED,
        /** Any change other than the two below. */
        @JsonProperty("changed") CHANGED,
        /** Only the position (x, y) changed. */
        @JsonProperty("moved") MOVED,
        /** Only the wires changed. */
        @JsonProperty("rewired") REWIRED
    }

    /** The node's wires before and after. */
    public record Wires(JsonNode before, JsonNode after) {}

    /** A tab or subflow, by id, with its label when the flows name it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GroupRef(String id, String label) {}

    public NodeChange {
        properties = List.copyOf(properties);
        texts = List.copyOf(texts);
    }

    /** e.g. {@code function "calc" (n3)}. */
    public String describe() {
        return type + (name == null || name.isEmpty() ? "" : " \"" + name + "\"") + " (" + id + ")";
    }
}
