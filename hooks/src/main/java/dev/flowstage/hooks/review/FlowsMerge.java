package dev.flowstage.hooks.review;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Three-way merge of flows.json by node id: a node changed (added, edited, removed) on one side only is
 * taken from that side; a node changed differently on both sides is a conflict. Nodes keep the bytes
 * they were written as and the order of {@code ours}; nodes only {@code theirs} added follow the node they
 * follow there. Thread-safe.
 */
public final class FlowsMerge {
    /** The merged file, or the conflicting nodes (then {@code flows} is null). */
    public record Result(byte[] flows, List<String> conflicts) {
        public boolean clean() {
            return conflicts.isEmpty();
        }
    }

    private final JsonFactory factory = new JsonFactory();
    private final ObjectMapper json = new ObjectMapper(factory);

    /**
     * Merges; null stands for an absent file.
     * @throws IllegalArgumentException when a version is not a JSON array (validated snapshots never are)
     */
    public Result merge(byte[] base, byte[] ours, byte[] theirs) {
        FlowNodeIndex b = new FlowNodeIndex(factory, base);
        FlowNodeIndex o = new FlowNodeIndex(factory, ours);
        FlowNodeIndex t = new FlowNodeIndex(factory, theirs);

        Map<String, FlowNodeIndex.Node> merged = new HashMap<>();
        List<String> conflicts = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>(o.byId.keySet());
        ids.addAll(t.byId.keySet());
        ids.addAll(b.byId.keySet());
        for (String id : ids) {
            FlowNodeIndex.Node bn = b.byId.get(id);
            FlowNodeIndex.Node on = o.byId.get(id);
            FlowNodeIndex.Node tn = t.byId.get(id);
            FlowNodeIndex.Node pick;
            if (same(on, tn)) {
                pick = on;
            } else if (same(bn, on)) {
                pick = tn;
            } else if (same(bn, tn)) {
                pick = on;
            } else {
                conflicts.add("node " + describe(on, bn, tn) + " " + how(bn, on, tn));
                continue;
            }
            if (pick != null) {
                merged.put(id, pick);
            }
        }
        if (!conflicts.isEmpty()) {
            return new Result(null, List.copyOf(conflicts));
        }
        return new Result(write(order(o, t, merged), merged, o, ours), List.of());
    }

    /** Ours' order, with nodes only theirs has placed after the last node before them in theirs that stays. */
    private static List<String> order(FlowNodeIndex o, FlowNodeIndex t, Map<String, FlowNodeIndex.Node> merged) {
        Map<String, List<String>> after = new HashMap<>();
        String anchor = "";
        for (String id : t.byId.keySet()) {
            if (!merged.containsKey(id)) {
                continue;
            }
            if (o.byId.containsKey(id)) {
                anchor = id;
            } else {
                after.computeIfAbsent(anchor, k -> new ArrayList<>()).add(id);
            }
        }
        List<String> order = new ArrayList<>(merged.size());
        order.addAll(after.getOrDefault("", List.of()));
        for (String id : o.byId.keySet()) {
            if (merged.containsKey(id)) {
                order.add(id);
            }
            order.addAll(after.getOrDefault(id, List.of()));
        }
        return order;
    }

    private static byte[] write(List<String> order, Map<String, FlowNodeIndex.Node> merged, FlowNodeIndex style,
            byte[] ours) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ours == null ? 1024 : ours.length + 1024);
        out.writeBytes(new byte[] {'['});
        if (!order.isEmpty()) {
            byte[] lead = style.lead.getBytes(StandardCharsets.UTF_8);
            byte[] separator = ("," + style.lead).getBytes(StandardCharsets.UTF_8);
            out.writeBytes(lead);
            for (int i = 0; i < order.size(); i++) {
                if (i > 0) {
                    out.writeBytes(separator);
                }
                out.writeBytes(merged.get(order.get(i)).bytes());
            }
            out.writeBytes(style.trail.getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(new byte[] {']'});
        if (ours == null || (ours.length > 0 && ours[ours.length - 1] == '\n')) {
            out.writeBytes(new byte[] {'\n'});
        }
        return out.toByteArray();
    }

    private boolean same(FlowNodeIndex.Node a, FlowNodeIndex.Node b) {
        return a == null ? b == null : a.sameAs(b, json);
    }

    private static String describe(FlowNodeIndex.Node... versions) {
        for (FlowNodeIndex.Node n : versions) {
            if (n != null) {
                return n.describe();
            }
        }
        throw new IllegalStateException("a conflict needs a node");
    }

    private static String how(FlowNodeIndex.Node base, FlowNodeIndex.Node ours, FlowNodeIndex.Node theirs) {
        if (base == null) {
            return "added differently on both sides";
        }
        if (ours == null) {
            return "removed on main and changed in the review";
        }
        if (theirs == null) {
            return "changed on main and removed in the review";
        }
        return "changed on both sides";
    }
}
