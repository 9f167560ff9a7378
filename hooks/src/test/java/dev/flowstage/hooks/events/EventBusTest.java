package dev.flowstage.hooks.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventBusTest {
    private final EventBus bus = new EventBus(2, 100);

    @AfterEach
    void close() {
        bus.close();
    }

    private static FlowstageEvent push(String team, int n) {
        return FlowstageEvent.push(team, "dev", "refs/heads/main", null, String.valueOf(n), "olive", Instant.EPOCH);
    }

    @Test
    void aTeamSubscriptionSeesOnlyItsTeamAndAnAllSubscriptionSeesEverything() throws Exception {
        LinkedBlockingQueue<FlowstageEvent> acme = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<FlowstageEvent> all = new LinkedBlockingQueue<>();
        bus.subscribe("acme", acme::add);
        bus.subscribe(null, all::add);
        bus.publish(push("other", 1));
        bus.publish(push("acme", 2));
        assertEquals("1", all.poll(5, TimeUnit.SECONDS).data().get("new"));
        assertEquals("2", all.poll(5, TimeUnit.SECONDS).data().get("new"));
        FlowstageEvent mine = acme.poll(5, TimeUnit.SECONDS);
        assertEquals("acme", mine.team());
        assertEquals(null, acme.poll(100, TimeUnit.MILLISECONDS));
    }

    @Test
    void eachSubscriberGetsEventsInPublicationOrder() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(50);
        bus.subscribe("acme", e -> {
            seen.add((String) e.data().get("new"));
            done.countDown();
        });
        for (int i = 0; i < 50; i++) {
            bus.publish(push("acme", i));
        }
        assertTrue(done.await(5, TimeUnit.SECONDS));
        for (int i = 0; i < 50; i++) {
            assertEquals(String.valueOf(i), seen.get(i));
        }
    }

    @Test
    void aBlockedSubscriberDelaysNeitherThePublisherNorOtherSubscribers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        bus.subscribe("acme", e -> {
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
        LinkedBlockingQueue<FlowstageEvent> fast = new LinkedBlockingQueue<>();
        bus.subscribe("acme", fast::add);
        // far beyond the blocked mailbox's limit of 100: publish must neither block nor fail
        for (int i = 0; i < 500; i++) {
            bus.publish(push("acme", i));
        }
        for (int i = 0; i < 100; i++) {
            assertEquals(String.valueOf(i), fast.poll(5, TimeUnit.SECONDS).data().get("new"));
        }
        release.countDown();
    }

    @Test
    void aFailingSubscriberKeepsReceivingAndClosingStopsDelivery() throws Exception {
        LinkedBlockingQueue<FlowstageEvent> got = new LinkedBlockingQueue<>();
        EventBus.Subscription s = bus.subscribe("acme", e -> {
            got.add(e);
            throw new IllegalStateException("subscriber bug");
        });
        bus.publish(push("acme", 1));
        bus.publish(push("acme", 2));
        assertEquals("1", got.poll(5, TimeUnit.SECONDS).data().get("new"));
        assertEquals("2", got.poll(5, TimeUnit.SECONDS).data().get("new"));
        assertEquals(1, bus.subscriptions());
        s.close();
        assertEquals(0, bus.subscriptions());
        bus.publish(push("acme", 3));
        assertEquals(null, got.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void eventsHaveKnownTypesAndRenderAsJson() {
        assertThrows(IllegalArgumentException.class,
                () -> new FlowstageEvent("deploy", "acme", "dev", Instant.EPOCH, Map.of()));
        FlowstageEvent run = FlowstageEvent.run("acme", "qa", "line-1", "dev", "000001", "succeeded", "olive",
                Instant.parse("2026-01-02T03:04:05Z"));
        assertEquals("{\"type\":\"run\",\"team\":\"acme\",\"target\":\"qa\",\"time\":\"2026-01-02T03:04:05Z\","
                + "\"data\":{\"pipeline\":\"line-1\",\"stage\":\"dev\",\"run\":\"000001\",\"status\":\"succeeded\","
                + "\"actor\":\"olive\"}}", EventJson.text(run));
        FlowstageEvent created = FlowstageEvent.push("acme", "dev", "refs/heads/main", null, "abc", "olive", Instant.EPOCH);
        assertTrue(EventJson.text(created).contains("\"old\":null"), EventJson.text(created));
    }
}
