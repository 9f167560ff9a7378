package dev.flowstage.hooks.diff;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The changed nodes of one tab or subflow (the nodes' {@code z}; a tab or subflow node itself belongs to
 * its own group). {@code kind} is "tab", "subflow", "global" (nodes without z: config nodes) or "unknown"
 * (z names a tab that is in neither version, as in clipboard exports); {@code label} is the tab's label or
 * subflow's name when known.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FlowGroupDiff(String id, String kind, String label, List<NodeChange> nodes) {
    public FlowGroupDiff {
        nodes = List.copyOf(nodes);
    }

    /** e.g. {@code tab "Flow 1" (f1)}, {@code global configuration}. */
    public String describe() {
        if (kind.equals("global")) {
            return "global configuration";
        }
        return kind + (label == null || label.isEmpty() ? "" : " \"" + label + "\"") + " (" + id + ")";
    }
}
