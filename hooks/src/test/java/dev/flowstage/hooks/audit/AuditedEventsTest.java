package dev.flowstage.hooks.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.access.LoginThrottle;
import dev.flowstage.hooks.events.FlowstageEvent;
import dev.flowstage.storage.audit.AuditEntry;
import dev.flowstage.storage.audit.AuditQueue;
import dev.flowstage.storage.audit.AuditStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuditedEventsTest {
    private static final Instant NOW = Instant.parse("2026-12-01T07:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final List<String> stored = Collections.synchronizedList(new ArrayList<>());
    private final List<FlowstageEvent> published = Collections.synchronizedList(new ArrayList<>());
    private final AuditQueue queue = new AuditQueue(new AuditStore() {
        @Override
        public List<AuditEntry> append(String team, List<AuditEntry> entries) {
            for (AuditEntry e : entries) {
                stored.add((team == null ? "site" : team) + " " + e.actor() + " " + e.action() + " " + e.target()
                        + " " + e.details());
            }
            return entries;
        }

        @Override
        public List<AuditEntry> page(String team, int limit, String before, String action) {
            return List.of();
        }
    }, Duration.ofMillis(5), 100);
    private final AuditLog audit = new AuditLog(queue, published::add, CLOCK);

    @AfterEach
    void close() {
        queue.close();
    }

    private List<String> flushed() {
        assertTrue(queue.flush(Duration.ofSeconds(10)));
        return List.copyOf(stored);
    }

    @Test
    void pushesRunEndsAndReviewsBecomeEntries() {
        AuditedEvents events = new AuditedEvents(audit);
        events.onEvent(FlowstageEvent.push("acme", "dev", "refs/heads/main", null, "abc", "alice", NOW));
        events.onEvent(FlowstageEvent.push("acme", "_config", "refs/heads/main", "a", "b", "olive", NOW));
        events.onEvent(FlowstageEvent.run("acme", "qa", "line", "dev", "000001", "running", "olive", NOW));
        events.onEvent(FlowstageEvent.run("acme", "qa", "line", "dev", "000001", "succeeded", "olive", NOW));
        events.onEvent(FlowstageEvent.review("acme", "prod", "3", "open", "bob", NOW));
        events.onEvent(FlowstageEvent.device("acme", "pi", "running", "abc", null, NOW));
        assertEquals(List.of(
                "acme alice push repo/dev {new=abc, ref=refs/heads/main}",
                "acme olive config.push config {new=b, old=a, ref=refs/heads/main}",
                "acme olive run.succeeded pipeline/line {run=000001, stage=dev, target=qa}",
                "acme bob review.open review/3 {target=prod}"), flushed());
    }

    @Test
    void teamEntriesAreAlsoAuditEventsAndSiteEntriesAreNot() {
        audit.record("acme", "olive", "instance.create", "instance/dev", Map.of("application", "app"));
        audit.record(null, "admin", "user.create", "user/bob", Map.of());
        flushed();
        assertEquals(1, published.size());
        FlowstageEvent e = published.get(0);
        assertEquals(FlowstageEvent.AUDIT, e.type());
        assertEquals("instance/dev", e.target());
        assertEquals("instance.create", e.data().get("action"));
        assertEquals(Map.of("application", "app"), e.data().get("details"));
        // and nothing loops: the recorder ignores audit events
        new AuditedEvents(audit).onEvent(e);
        assertEquals(2, flushed().size());
    }

    @Test
    void failedSignInsAreSiteEntriesWithTheNameTriedAndTheAddress() {
        LoginThrottle throttle = new LoginThrottle(LoginThrottle.Limits.DEFAULT, CLOCK, new FailedLogins(audit));
        throttle.failed("bob\nINJECTED", "10.0.0.7");
        throttle.failed(null, "10.0.0.8");
        assertEquals(List.of("site anonymous login.failed user/bob_INJECTED {address=10.0.0.7, user=bob_INJECTED}",
                "site anonymous login.failed address/10.0.0.8 {address=10.0.0.8}"), flushed());
    }
}
