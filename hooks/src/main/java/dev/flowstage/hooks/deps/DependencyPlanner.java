package dev.flowstage.hooks.deps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/** Builds the {@link DependencyPlan} of a snapshot from its package.json and the node types in its flows.json. */
public final class DependencyPlanner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final NodeCatalog catalog;

    public DependencyPlanner(NodeCatalog catalog) {
        this.catalog = Objects.requireNonNull(catalog);
    }

    /** The plan of a valid snapshot (an unreadable file counts as empty: validation names it elsewhere). */
    public DependencyPlan plan(Snapshot snapshot) {
        Map<String, String> required = new TreeMap<>();
        JsonNode deps = read(snapshot, SnapshotFiles.PACKAGE).path("dependencies");
        deps.properties().forEach(e -> required.put(e.getKey(), e.getValue().asText("")));
        Map<String, Integer> unprovided = new TreeMap<>();
        for (JsonNode node : read(snapshot, SnapshotFiles.FLOWS)) {
            String type = node.path("type").asText("");
            if (type.isEmpty() || catalog.isBuiltIn(type)) {
                continue;
            }
            String module = catalog.packageOf(type).orElse(null);
            if (module == null || !required.containsKey(module)) {
                unprovided.merge(type, 1, Integer::sum);
            }
        }
        List<DependencyPlan.MissingType> missing = new ArrayList<>();
        TreeSet<String> modules = new TreeSet<>();
        unprovided.forEach((type, count) -> {
            String module = catalog.packageOf(type).orElse(null);
            missing.add(new DependencyPlan.MissingType(type, module, count));
            if (module != null) {
                modules.add(module);
            }
        });
        String npm = modules.isEmpty() ? null : "npm install " + String.join(" ", modules);
        return new DependencyPlan(required, missing, List.copyOf(modules), npm);
    }

    private static JsonNode read(Snapshot s, String file) {
        try {
            byte[] b = s.bytes(file).orElse(null);
            return b == null ? JSON.missingNode() : JSON.readTree(b);
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }
}
