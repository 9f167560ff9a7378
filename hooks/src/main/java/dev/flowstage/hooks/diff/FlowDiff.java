package dev.flowstage.hooks.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import java.io.IOException;
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

    private final ObjectMapper json = new ObjectMapper();

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
        Map<String, ObjectNode> a = nodesById(flowsBefore, "before");
        Map<String, ObjectNode> b = nodesById(flowsAfter, "after");
        Map<String, List<NodeChange>> byGroup = new LinkedHashMap<>();
        int[] counts = new int[NodeChange.Kind.values().length];

        for (Map.Entry<String, ObjectNode> e : b.entrySet()) {
            ObjectNode old = a.get(e.getKey());
            NodeChange change = old == null ? added(e.getValue()) : compareNode(old, e.getValue(), a, b);
            if (change != null) {
                byGroup.computeIfAbsent(groupOf(e.getValue()), k -> new ArrayList<>()).add(change);
                counts[change.kind().ordinal()]++;
            }
        }
        for (Map.Entry<String, ObjectNode> e : a.entrySet()) {
            if (!b.containsKey(e.getKey())) {
                byGroup.computeIfAbsent(groupOf(e.getValue()), k -> new ArrayList<>()).add(removed(e.getValue()));
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

    private NodeChange compareNode(ObjectNode before, ObjectNode after, Map<String, ObjectNode> a,
            Map<String, ObjectNode> b) {
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
        String fromGroup = groupOf(before);
        if (!fromGroup.equals(groupOf(after))) {
            movedFrom = new NodeChange.GroupRef(fromGroup, label(fromGroup, a, b));
        }
        return new NodeChange(kind, text(after, "id"), text(after, "type"), name(after), List.copyOf(changed),
                texts, wires, movedFrom);
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
        List<LineDiff.Edit> script = LineDiff.diff(LineDiff.lines(a), LineDiff.lines(b));
        int added = 0;
        int removed = 0;
        for (LineDiff.Edit e : script) {
            added += e.op() == LineDiff.Op.INSERT ? 1 : 0;
            removed += e.op() == LineDiff.Op.DELETE ? 1 : 0;
        }
        return new TextDiff(property, added, removed, LineDiff.unified(script, CONTEXT_LINES));
    }

    private static NodeChange added(ObjectNode node) {
        return new NodeChange(NodeChange.Kind.ADDED, text(node, "id"), text(node, "type"), name(node), List.of(),
                List.of(), null, null);
    }

    private static NodeChange removed(ObjectNode node) {
        return new NodeChange(NodeChange.Kind.REMOVED, text(node, "id"), text(node, "type"), name(node), List.of(),
                List.of(), null, null);
    }

    private static FlowGroupDiff group(String id, List<NodeChange> nodes, Map<String, ObjectNode> a,
            Map<String, ObjectNode> b) {
        if (id.isEmpty()) {
            return new FlowGroupDiff(id, "global", null, nodes);
        }
        ObjectNode owner = b.containsKey(id) ? b.get(id) : a.get(id);
        String type = owner == null ? null : text(owner, "type");
        String kind = "tab".equals(type) || "subflow".equals(type) ? type : "unknown";
        return new FlowGroupDiff(id, kind, label(id, a, b), nodes);
    }

    /** The tab's label or subflow's name, from the newer version that has it; null when unknown. */
    private static String label(String groupId, Map<String, ObjectNode> a, Map<String, ObjectNode> b) {
        ObjectNode owner = b.containsKey(groupId) ? b.get(groupId) : a.get(groupId);
        if (owner == null) {
            return null;
        }
        return "tab".equals(text(owner, "type")) ? text(owner, "label") : text(owner, "name");
    }

    /** A tab or subflow node is its own group; any other node belongs to its z ("" when it has none). */
    private static String groupOf(ObjectNode node) {
        String type = text(node, "type");
        if ("tab".equals(type) || "subflow".equals(type)) {
            return text(node, "id");
        }
        String z = text(node, "z");
        return z == null ? "" : z;
    }

    private static String name(ObjectNode node) {
        String name = text(node, "name");
        return name != null && !name.isEmpty() ? name : text(node, "label");
    }

    private static String text(ObjectNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /** The nodes by id in file order; entries without a string id are not nodes and are left out. */
    private Map<String, ObjectNode> nodesById(byte[] flows, String side) {
        Map<String, ObjectNode> nodes = new LinkedHashMap<>();
        if (flows == null) {
            return nodes;
        }
        JsonNode root;
        try {
            root = json.readTree(flows);
        } catch (IOException e) {
            throw new IllegalArgumentException("flows.json (" + side + ") is not valid JSON");
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("flows.json (" + side + ") is not a JSON array");
        }
        for (JsonNode n : root) {
            if (n instanceof ObjectNode node && node.path("id").isTextual()) {
                nodes.putIfAbsent(node.get("id").textValue(), node);
            }
        }
        return nodes;
    }
}
