package dev.flowstage.hooks.audit;

import dev.flowstage.hooks.events.EventListener;
import dev.flowstage.hooks.events.FlowstageEvent;
import dev.flowstage.storage.repo.RepoName;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns the bus's events into audit entries for what the API layer does not see: pushes
 * ({@code push}, and {@code config.push} to {@code _config.git}), how pipeline runs end
 * ({@code run.succeeded|failed|rejected|cancelled}, whoever or whatever started them) and reviews
 * opened by a push or merged ({@code review.open}, {@code review.merged}). Subscribed to every team.
 */
public final class AuditedEvents implements EventListener {
    private static final Set<String> RUN_ENDS = Set.of("succeeded", "failed", "rejected", "cancelled");
    private static final Set<String> REVIEW_STATES = Set.of("open", "merged");

    private final AuditLog audit;

    public AuditedEvents(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void onEvent(FlowstageEvent e) {
        Map<String, Object> d = e.data();
        switch (e.type()) {
            case FlowstageEvent.PUSH -> {
                boolean config = RepoName.CONFIG.equals(e.target());
                audit.record(e.team(), text(d.get("actor")), config ? "config.push" : "push",
                        config ? "config" : "repo/" + e.target(),
                        details("ref", d.get("ref"), "old", d.get("old"), "new", d.get("new")));
            }
            case FlowstageEvent.RUN -> {
                String status = text(d.get("status"));
                if (RUN_ENDS.contains(status)) {
                    audit.record(e.team(), text(d.get("actor")), "run." + status, "pipeline/" + d.get("pipeline"),
                            details("run", d.get("run"), "stage", d.get("stage"), "target", e.target()));
                }
            }
            case FlowstageEvent.REVIEW -> {
                String state = text(d.get("state"));
                if (REVIEW_STATES.contains(state)) {
                    audit.record(e.team(), text(d.get("actor")), "review." + state, "review/" + d.get("review"),
                            details("target", e.target()));
                }
            }
            default -> {
                // audit events are this class's own output; device reports and sync states are not changes made by someone
            }
        }
    }

    private static String text(Object o) {
        return o == null ? null : o.toString();
    }

    private static Map<String, String> details(Object... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], text(kv[i + 1]));
        }
        return m;
    }
}
