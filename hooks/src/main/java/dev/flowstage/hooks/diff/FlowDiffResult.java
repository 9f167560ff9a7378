package dev.flowstage.hooks.diff;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The semantic difference of two snapshots (SPEC §7): node changes grouped by tab and subflow, module
 * changes of package.json and key changes of env.json. Serializes to JSON with Jackson as it is.
 */
public record FlowDiffResult(Counts counts, List<FlowGroupDiff> groups, List<ModuleChange> modules, EnvChanges env) {

    /** How many nodes changed in each way. */
    public record Counts(int added, int removed, int changed, int moved, int rewired) {
        public int total() {
            return added + removed + changed + moved + rewired;
        }
    }

    public FlowDiffResult {
        groups = List.copyOf(groups);
        modules = List.copyOf(modules);
    }

    public boolean isEmpty() {
        return counts.total() == 0 && modules.isEmpty() && env.isEmpty();
    }

    /** Every node change, group by group. */
    public List<NodeChange> nodes() {
        return groups.stream().flatMap(g -> g.nodes().stream()).toList();
    }

    /** A short text: counts, then one line per changed node under its tab, then modules and env keys. */
    public String summary() {
        if (isEmpty()) {
            return "no changes\n";
        }
        StringBuilder sb = new StringBuilder();
        if (counts.total() > 0) {
            sb.append("nodes: ").append(counts.added()).append(" added, ").append(counts.removed()).append(" removed, ")
                    .append(counts.changed()).append(" changed, ").append(counts.moved()).append(" moved, ")
                    .append(counts.rewired()).append(" rewired\n");
        }
        for (FlowGroupDiff group : groups) {
            sb.append(group.describe()).append(":\n");
            for (NodeChange node : group.nodes()) {
                sb.append("  ").append(node.kind().name().toLowerCase()).append(' ').append(node.describe());
                if (node.kind() == NodeChange.Kind.CHANGED) {
                    sb.append(": ").append(String.join(", ", node.properties()));
                }
                if (node.movedFrom() != null) {
                    NodeChange.GroupRef from = node.movedFrom();
                    sb.append(" (moved from ").append(from.label() == null ? from.id() : "\"" + from.label() + "\"")
                            .append(')');
                }
                sb.append('\n');
            }
        }
        if (!modules.isEmpty()) {
            sb.append("modules: ").append(modules.stream().map(FlowDiffResult::describe)
                    .collect(Collectors.joining("; "))).append('\n');
        }
        if (!env.isEmpty()) {
            StringBuilder e = new StringBuilder();
            appendKeys(e, "added", env.added());
            appendKeys(e, "removed", env.removed());
            appendKeys(e, "changed", env.changed());
            sb.append("env: ").append(e).append('\n');
        }
        return sb.toString();
    }

    private static String describe(ModuleChange m) {
        return switch (m.change()) {
            case "added" -> "added " + m.module() + " " + m.after();
            case "removed" -> "removed " + m.module() + " " + m.before();
            default -> "changed " + m.module() + " " + m.before() + " -> " + m.after();
        };
    }

    private static void appendKeys(StringBuilder sb, String what, List<String> keys) {
        if (!keys.isEmpty()) {
            sb.append(sb.length() > 0 ? "; " : "").append(what).append(' ').append(String.join(", ", keys));
        }
    }
}
