package dev.flowstage.storage.audit;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One state change in the audit log: when, who ({@code actor}: a user, a device, {@code webhook} or
 * {@code flowstage} for the server itself), what ({@code action}, a stable dotted name such as
 * {@code instance.create}), on what ({@code target}, e.g. {@code instance/dev}) and chosen
 * {@code details} (names, roles, refs, commit ids: never a secret). {@code id} is given by the store.
 */
public record AuditEntry(String id, Instant time, String actor, String action, String target,
                         Map<String, String> details) {
    public AuditEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(action, "action");
        actor = actor == null ? "flowstage" : actor;
        target = target == null ? "" : target;
        // sorted, so an entry's file and its JSON answer list the details in one stable order
        TreeMap<String, String> sorted = new TreeMap<>();
        if (details != null) {
            details.forEach((k, v) -> {
                if (v != null) {
                    sorted.put(k, v);
                }
            });
        }
        details = Collections.unmodifiableMap(sorted);
    }

    /** An entry not stored yet. */
    public static AuditEntry of(Instant time, String actor, String action, String target, Map<String, String> details) {
        return new AuditEntry(null, time, actor, action, target, details);
    }

    public AuditEntry withId(String newId) {
        return new AuditEntry(newId, time, actor, action, target, details);
    }

    /**
     * Whether this entry answers the filter {@code action}: null or empty matches all; a name ending in
     * {@code .} is a prefix ({@code instance.}); otherwise the exact name or, as a prefix, its family
     * ({@code instance} matches {@code instance.create}).
     */
    public boolean matches(String filter) {
        if (filter == null || filter.isEmpty()) {
            return true;
        }
        if (filter.endsWith(".")) {
            return action.startsWith(filter);
        }
        return action.equals(filter) || action.startsWith(filter + ".");
    }
}
