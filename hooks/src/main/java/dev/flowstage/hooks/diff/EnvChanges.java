package dev.flowstage.hooks.diff;

import java.util.List;

/** Keys of env.json added, removed, or whose value changed. Values are never kept: they may be secrets. */
public record EnvChanges(List<String> added, List<String> removed, List<String> changed) {
    public static final EnvChanges NONE = new EnvChanges(List.of(), List.of(), List.of());

    public EnvChanges {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
    }

    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }
}
