package dev.flowstage.hooks.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/** The package.json module changes and env.json key changes of two snapshots. */
final class ModuleEnvDiff {
    private ModuleEnvDiff() {}

    /** Changes of package.json {@code dependencies}, by module name; null means the file is absent. */
    static List<ModuleChange> modules(ObjectMapper json, byte[] before, byte[] after) {
        Map<String, String> a = dependencies(json, before, "before");
        Map<String, String> b = dependencies(json, after, "after");
        List<ModuleChange> changes = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(a.keySet());
        names.addAll(b.keySet());
        for (String name : names) {
            String va = a.get(name);
            String vb = b.get(name);
            if (!Objects.equals(va, vb)) {
                changes.add(new ModuleChange(name, va, vb));
            }
        }
        return changes;
    }

    /** Key changes of env.json; values are compared but never returned. */
    static EnvChanges env(ObjectMapper json, byte[] before, byte[] after) {
        JsonNode a = object(json, before, "env.json", "before");
        JsonNode b = object(json, after, "env.json", "after");
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>();
        a.fieldNames().forEachRemaining(keys::add);
        b.fieldNames().forEachRemaining(keys::add);
        for (String key : keys) {
            if (!a.has(key)) {
                added.add(key);
            } else if (!b.has(key)) {
                removed.add(key);
            } else if (!a.get(key).equals(b.get(key))) {
                changed.add(key);
            }
        }
        return new EnvChanges(added, removed, changed);
    }

    private static Map<String, String> dependencies(ObjectMapper json, byte[] file, String side) {
        JsonNode deps = object(json, file, "package.json", side).path("dependencies");
        Map<String, String> out = new TreeMap<>();
        if (deps.isObject()) {
            deps.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    private static JsonNode object(ObjectMapper json, byte[] file, String name, String side) {
        if (file == null) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(file);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " (" + side + ") is not a JSON object");
    }
}
