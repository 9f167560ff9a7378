package dev.flowstage.hooks.diff;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The semantic flow diff of SPEC §7: compares two versions of flows.json node by node (by {@code id}),
 * grouped by tab and subflow, plus package.json module and env.json key changes. Thread-safe.
 */
public final class FlowDiff {
    /** String properties shown as a line diff even when they are one line long. */
    public static final Set<String> CODE_PROPERTIES = Set.of("func", "template", "initialize", "finalize", "info");
    private static final Set<String> POSITION = Set.of("x", "y");
    private static final int CONTEXT_LINES = 3;

    // The validator's limits: whatever a push may store, a diff can read.
    private final JsonFactory factory = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 << 20).maxNestingDepth(2000).build())
            .build();
    private final ObjectMapper json = new ObjectMapper(factory);

    /** Compares two snapshots; an absent file counts as empty. */
    public FlowDiffResult compare(Snapshot before, Snapshot after) {
        return compare(
                before.bytes(SnapshotFiles.FLOWS).orElse(null), after.bytes(SnapshotFiles.FLOWS).orElse(null),
                before.bytes(SnapshotFiles.PACKAGE).orElse(null), after.bytes(SnapshotFiles.PACKAGE).orElse(null),
                before.bytes(SnapshotFiles.ENV).orElse(null), after.bytes(SnapshotFiles.ENV).orElse(null));
    }

    /**
     * Compares the files given as bytes; null stands for an absent file.
     *
     * @throws IllegalArgumentException when a file is not the JSON it should be (flows.json an array,
     *     the others objects); validated snapshots never are
     */
    public FlowDiffResult compare(byte[] flowsBefore, byte[] flowsAfter, byte[] packageBefore, byte[] packageAfter,
            byte[] envBefore, byte[] envAfter) {
        FlowNodes a = new FlowNodes(factory, json, flowsBefore, "before");
        FlowNodes b = new FlowNodes(factory, json, flowsAfter, "after");
        Map<String, List<NodeChange>> byGroup = new LinkedHashMap<>();
        int[] counts = new int[NodeChange.Kind.values().length];

        for (FlowNodes.Node node : b.byId().values()) {
            FlowNodes.Node old = a.get(node.id);
            NodeChange change = old == null ? whole(NodeChange.Kind.ADDED, node)
                    : old.sameBytes(node) ? null
                    : compareNode(old, node, a, b);
            if (change != null) {
                byGroup.computeIfAbsent(node.group(), k -> new ArrayList<>()).add(change);
                counts[change.kind().ordinal()]++;
            }
        }
        for (FlowNodes.Node node : a.byId().values()) {
            if (b.get(node.id) == null) {
                byGroup.computeIfAbsent(node.group(), k -> new ArrayList<>()).add(whole(NodeChange.Kind.REMOVED, node));
                counts[NodeChange.Kind.REMOVED.ordinal()]++;
            }
        }
        List<FlowGroupDiff> groups = new ArrayList<>(byGroup.size());
        byGroup.forEach((id, nodes) -> groups.add(group(id, nodes, a, b)));
        return new FlowDiffResult(
                new FlowDiffResult.Counts(counts[NodeChange.Kind.ADDED.ordinal()],
                        counts[NodeChange.Kind.REMOVED.ordinal()], counts[NodeChange.Kind.CHANGED.ordinal()],
                        counts[NodeChange.Kind.MOVED.ordinal()], counts[NodeChange.Kind.REWIRED.ordinal()]),
                groups,
                ModuleEnvDiff.modules(json, packageBefore, packageAfter),
                ModuleEnvDiff.env(json, envBefore, envAfter));
    }

    /** The change of a node whose bytes differ; null when they differ only in layout of the JSON text. */
    private NodeChange compareNode(FlowNodes.Node oldNode, FlowNodes.Node newNode, FlowNodes a, FlowNodes b) {
        ObjectNode before = oldNode.tree();
        ObjectNode after = newNode.tree();
        TreeSet<String> changed = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = before.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().equals(after.get(f.getKey()))) {
                changed.add(f.getKey());
            }
        }
        for (Iterator<String> it = after.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!before.has(name)) {
                changed.add(name);
            }
        }
        if (changed.isEmpty()) {
            return null;
        }
        NodeChange.Kind kind = POSITION.containsAll(changed) ? NodeChange.Kind.MOVED
                : changed.size() == 1 && changed.contains("wires") ? NodeChange.Kind.REWIRED
                : NodeChange.Kind.CHANGED;
        List<TextDiff> texts = new ArrayList<>();
        for (String property : changed) {
            TextDiff text = textDiff(property, before.get(property), after.get(property));
            if (text != null) {
                texts.add(text);
            }
        }
        NodeChange.Wires wires = changed.contains("wires")
                ? new NodeChange.Wires(before.get("wires"), after.get("wires")) : null;
        NodeChange.GroupRef movedFrom = null;
        if (!oldNode.group().equals(newNode.group())) {
            movedFrom = new NodeChange.GroupRef(oldNode.group(), label(oldNode.group(), a, b));
        }
        return new NodeChange(kind, newNode.id, newNode.type, newNode.name(), List.copyOf(changed), texts, wires,
                movedFrom);
    }

    private static TextDiff textDiff(String property, JsonNode before, JsonNode after) {
        boolean textual = (before == null || before.isTextual()) && (after == null || after.isTextual());
        if (!textual) {
            return null;
        }
        String a = before == null ? null : before.textValue();
        String b = after == null ? null : after.textValue();
        boolean multiline = (a != null && a.indexOf('\n') >= 0) || (b != null && b.indexOf('\n') >= 0);
        if (!multiline && !CODE_PROPERTIES.contains(property)) {
            return null;
        }
        return LineDiff.of(property, a, b, CONTEXT_LINES);
    }

    private static NodeChange whole(NodeChange.Kind kind, FlowNodes.Node node) {
        return new NodeChange(kind, node.id, node.type, node.name(), List.of(), List.of(), null, null);
    }

    private static FlowGroupDiff group(String id, List<NodeChange> nodes, FlowNodes a, FlowNodes b) {
        if (id.isEmpty()) {
            return new FlowGroupDiff(id, "global", null, nodes);
        }
        FlowNodes.Node owner = owner(id, a, b);
        String type = owner == null ? null : owner.type;
        String kind = "tab".equals(type) || "subflow".equals(type) ? type : "unknown";
        return new FlowGroupDiff(id, kind, label(id, a, b), nodes);
    }

    /** The tab's label or subflow's name, from the newer version that has it; null when unknown. */
    private static String label(String groupId, FlowNodes a, FlowNodes b) {
        FlowNodes.Node owner = owner(groupId, a, b);
        if (owner == null) {
            return null;
        }
        return owner.text("tab".equals(owner.type) ? "label" : "name");
    }

    private static FlowNodes.Node owner(String groupId, FlowNodes a, FlowNodes b) {
        FlowNodes.Node owner = b.get(groupId);
        return owner != null ? owner : a.get(groupId);
    }
}
