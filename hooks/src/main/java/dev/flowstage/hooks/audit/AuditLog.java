package dev.flowstage.hooks.audit;

import dev.flowstage.hooks.events.EventPublisher;
import dev.flowstage.hooks.events.FlowstageEvent;
import dev.flowstage.storage.audit.AuditEntry;
import dev.flowstage.storage.audit.AuditQueue;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every state change is reported ("who did what"): each {@link #record} is one INFO line in the
 * server log, one entry queued for the team's (or the site's) audit ref and, for a team, one
 * {@code audit} event on its stream and webhooks. Callers choose the details: never a secret.
 */
public class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger("dev.flowstage.audit");
    private static final int MAX_VALUE = 200;

    /** Records nothing (for tests and tools that do not audit). */
    public static final AuditLog NONE = new AuditLog(null, EventPublisher.NONE, Clock.systemUTC());

    private final AuditQueue queue;
    private final EventPublisher events;
    private final Clock clock;

    public AuditLog(AuditQueue queue, EventPublisher events, Clock clock) {
        this.queue = queue;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Records {@code action} by {@code actor} (null: the server) on {@code target} in the log of
     * {@code team} (null: the site's log, for users, teams, tokens, keys and sign-ins).
     */
    public void record(String team, String actor, String action, String target, Map<String, String> details) {
        if (queue == null) {
            return;
        }
        AuditEntry entry = AuditEntry.of(clock.instant(), clean(actor), action, clean(target), cleanAll(details));
        LOG.info("audit {}actor={} action={} target={}{}", team == null ? "site " : "team=" + team + " ",
                entry.actor(), entry.action(), entry.target(), entry.details().isEmpty() ? ""
                        : entry.details().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining(" ", " ", "")));
        queue.add(team, entry);
        if (team != null) {
            events.publish(FlowstageEvent.audit(team, entry.target(), entry.actor(), entry.action(), entry.details(),
                    entry.time()));
        }
    }

    private static Map<String, String> cleanAll(Map<String, String> details) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        details.forEach((k, v) -> out.put(k, clean(v)));
        return out;
    }

    /** Values come partly from callers (user names tried at a sign-in): one short line each in the log. */
    private static String clean(String s) {
        if (s == null) {
            return null;
        }
        String oneLine = s.replaceAll("[\\p{Cntrl}\\s]+", "_");
        return oneLine.length() <= MAX_VALUE ? oneLine : oneLine.substring(0, MAX_VALUE) + "…";
    }
}
