package dev.flowstage.storage.meta;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Files to write and paths to remove, applied by {@link MetaRef#edit} to the tree of the current commit. */
public record MetaChange(Map<String, byte[]> writes, Set<String> removals) {
    public static final MetaChange NONE = new MetaChange(Map.of(), Set.of());

    public MetaChange {
        writes = Map.copyOf(writes);
        removals = Set.copyOf(removals);
        for (String path : removals) {
            if (writes.containsKey(path)) {
                throw new IllegalArgumentException("'" + path + "' is both written and removed");
            }
        }
    }

    public static MetaChange write(String path, byte[] content) {
        return new MetaChange(Map.of(path, content), Set.of());
    }

    public MetaChange andWrite(String path, byte[] content) {
        Map<String, byte[]> next = new LinkedHashMap<>(writes);
        next.put(path, content);
        return new MetaChange(next, removals);
    }

    public MetaChange andRemove(String path) {
        Set<String> next = new TreeSet<>(removals);
        next.add(path);
        return new MetaChange(writes, next);
    }

    public boolean isEmpty() {
        return writes.isEmpty() && removals.isEmpty();
    }
}
