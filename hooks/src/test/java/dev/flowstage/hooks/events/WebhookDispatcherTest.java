package dev.flowstage.hooks.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.outbound.OutboundConnector;
import dev.flowstage.hooks.outbound.OutboundHttp;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deliveries to a real HTTP receiver on 127.0.0.1, with retries shortened to milliseconds. */
class WebhookDispatcherTest {
    private static final String SECRET = "whsec-test-1";

    /** One request as the receiver saw it. */
    record Received(String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> v = headers.get(name);
            return v == null ? null : v.get(0);
        }
    }

    @TempDir
    Path data;
    TeamFixture fx;
    HttpServer receiver;
    final Deque<Integer> answers = new ArrayDeque<>();
    final List<Received> received = new CopyOnWriteArrayList<>();
    EventBus bus;
    WebhookStore store;
    DeliveryLog log;
    WebhookDispatcher dispatcher;
    OutboundHttp outbound;

    @BeforeEach
    void start() throws Exception {
        fx = new TeamFixture(data);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            received.add(new Received(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
                    exchange.getRequestBody().readAllBytes()));
            int status;
            synchronized (answers) {
                status = answers.size() > 1 ? answers.poll() : answers.isEmpty() ? 204 : answers.peek();
            }
            if (status >= 300 && status < 400) {
                exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + port() + "/elsewhere");
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        bus = new EventBus();
        store = new WebhookStore(fx.teams, fx.secrets, Clock.systemUTC(), AddressPolicy.parse("127.0.0.1"));
        log = new DeliveryLog(fx.repos, 3);
        outbound = new OutboundHttp(new OutboundConnector(AddressPolicy.parse("127.0.0.1")), Duration.ofSeconds(2));
        dispatcher = new WebhookDispatcher(store, log, Clock.systemUTC(), new WebhookDispatcher.Settings(3,
                Duration.ofMillis(20), 2.0, Duration.ofSeconds(2)), outbound, new PendingDeliveries(fx.repos));
        dispatcher.subscribeTo(bus);
    }

    @AfterEach
    void stop() {
        bus.close();
        dispatcher.close();
        outbound.close();
        receiver.stop(0);
        fx.close();
    }

    private int port() {
        return receiver.getAddress().getPort();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    private void answer(Integer... statuses) {
        synchronized (answers) {
            answers.addAll(List.of(statuses));
        }
    }

    private static FlowstageEvent push() {
        return FlowstageEvent.push("acme", "dev", "refs/heads/main", null, "a".repeat(40), "olive", Instant.now());
    }

    private List<WebhookDelivery> awaitDeliveries(String webhook, int count) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        List<WebhookDelivery> d = log.list("acme", webhook);
        while (d.size() < count) {
            assertTrue(System.nanoTime() < deadline, "no delivery logged in time");
            Thread.sleep(20);
            d = log.list("acme", webhook);
        }
        return d;
    }

    @Test
    void aSignedDeliveryIsRetriedAfter500sUntilItSucceedsAndIsLogged() throws Exception {
        store.create("acme", "olive", "ci", url("/hook"), List.of("push", "run"), SECRET);
        answer(500, 502, 204);
        bus.publish(push());

        WebhookDelivery d = awaitDeliveries("ci", 1).get(0);
        assertTrue(d.succeeded(), d.toString());
        assertEquals(204, d.statusCode());
        assertEquals(3, d.attempts());
        assertNull(d.error());
        assertEquals("push", d.event());
        assertEquals("dev", d.target());

        assertEquals(3, received.size());
        for (Received r : received) {
            assertEquals("/hook", r.path());
            assertEquals("push", r.header("X-flowstage-event"));
            assertEquals(d.id(), r.header("X-flowstage-delivery"), "one delivery id across retries");
            assertEquals(WebhookSignature.sign(SECRET, r.body()), r.header("X-flowstage-signature-256"));
            assertEquals("application/json", r.header("Content-type"));
        }
        assertTrue(received.get(0).header("X-flowstage-signature-256").matches("sha256=[0-9a-f]{64}"));
        JsonNode body = new ObjectMapper().readTree(received.get(0).body());
        assertEquals("push", body.path("type").asText());
        assertEquals("acme", body.path("team").asText());
        assertEquals("a".repeat(40), body.path("data").path("new").asText());
    }

    @Test
    void aRetryWaitingWhenTheServerStopsIsResumedByTheNextStartWithTheSameDeliveryId() throws Exception {
        // a long first retry delay: the retry is still waiting when the dispatcher stops
        dispatcher.close();
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
        PendingDeliveries pending = new PendingDeliveries(fx.repos);
        dispatcher = new WebhookDispatcher(store, log, clock, new WebhookDispatcher.Settings(3, Duration.ofHours(1),
                2.0, Duration.ofSeconds(2)), outbound, pending);
        bus.close();
        bus = new EventBus();
        dispatcher.subscribeTo(bus);
        store.create("acme", "olive", "ci", url("/hook"), List.of("push"), SECRET);
        answer(503, 204);
        bus.publish(push());
        await(() -> pending.list("acme").size() == 1);
        PendingDeliveries.Pending saved = pending.list("acme").get(0);
        assertEquals(1, saved.attempts());
        assertEquals(Instant.parse("2026-06-01T11:00:00Z"), saved.dueAt());
        dispatcher.close();
        assertEquals(List.of(), log.list("acme", "ci"), "nothing ended: nothing logged yet");

        // the next start, after the due time: the retry is made at once, as attempt 2 of the same delivery
        clock.now = Instant.parse("2026-06-01T12:00:00Z");
        dispatcher = new WebhookDispatcher(store, log, clock, new WebhookDispatcher.Settings(3, Duration.ofHours(1),
                2.0, Duration.ofSeconds(2)), outbound, pending);
        dispatcher.resume(List.of("acme"));
        WebhookDelivery d = awaitDeliveries("ci", 1).get(0);
        assertTrue(d.succeeded(), d.toString());
        assertEquals(2, d.attempts());
        assertEquals(saved.id(), d.id());
        assertEquals(2, received.size());
        assertEquals(received.get(0).header("X-flowstage-delivery"), received.get(1).header("X-flowstage-delivery"));
        assertEquals(WebhookSignature.sign(SECRET, received.get(1).body()), received.get(1).header("X-flowstage-signature-256"));
        await(() -> pending.list("acme").isEmpty());
    }

    @Test
    void aFirstAttemptCutShortByTheStopIsSavedNotDropped() throws Exception {
        store.create("acme", "olive", "ci", url("/hook"), List.of("push"), null);
        PendingDeliveries pending = new PendingDeliveries(fx.repos);
        outbound.close(); // the client is gone: the attempt cannot be made
        bus.publish(push());
        await(() -> pending.list("acme").size() == 1);
        assertEquals(0, pending.list("acme").get(0).attempts(), "no attempt was made");
        assertEquals(List.of(), log.list("acme", "ci"));
    }

    /** A clock the test sets. */
    static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached in time");
            Thread.sleep(20);
        }
    }

    @Test
    void aReceiverThatKeepsFailingGetsTheBoundedNumberOfAttempts() throws Exception {
        store.create("acme", "olive", "down", url("/down"), List.of("push"), null);
        answer(503);
        bus.publish(push());
        WebhookDelivery d = awaitDeliveries("down", 1).get(0);
        assertFalse(d.succeeded());
        assertEquals(3, d.attempts());
        assertEquals(503, d.statusCode());
        assertEquals("the receiver answered 503 Service Unavailable", d.error());
        assertEquals(3, received.size());
        assertNull(received.get(0).header("X-flowstage-signature-256"), "an unsigned webhook sends no signature");
    }

    @Test
    void redirectsAreNotFollowedAndClientErrorsAreNotRetried() throws Exception {
        store.create("acme", "olive", "moved", url("/moved"), List.of("push"), SECRET);
        answer(302);
        bus.publish(push());
        WebhookDelivery moved = awaitDeliveries("moved", 1).get(0);
        assertFalse(moved.succeeded());
        assertEquals(1, moved.attempts());
        assertEquals(302, moved.statusCode());
        assertTrue(moved.error().contains("redirect not followed"), moved.error());
        assertEquals(List.of("/moved"), received.stream().map(Received::path).toList());

        store.delete("acme", "olive", "moved");
        store.create("acme", "olive", "gone", url("/gone"), List.of("push"), SECRET);
        synchronized (answers) {
            answers.clear();
        }
        answer(404);
        bus.publish(push());
        WebhookDelivery gone = awaitDeliveries("gone", 1).get(0);
        assertEquals(1, gone.attempts());
        assertEquals(404, gone.statusCode());
    }

    @Test
    void anUnreachableReceiverIsRetriedThenLoggedAsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        store.create("acme", "olive", "nowhere", "http://127.0.0.1:" + closedPort + "/x", List.of("push"), null);
        bus.publish(push());
        WebhookDelivery d = awaitDeliveries("nowhere", 1).get(0);
        assertFalse(d.succeeded());
        assertEquals(3, d.attempts());
        assertNull(d.statusCode());
        assertEquals("cannot connect", d.error());
    }

    @Test
    void onlyTheChosenEventTypesAreSentAndTheLogKeepsTheNewestFew() throws Exception {
        store.create("acme", "olive", "runs", url("/runs"), List.of("run"), null);
        bus.publish(push());
        for (int i = 1; i <= 4; i++) {
            bus.publish(FlowstageEvent.run("acme", "qa", "line-1", "dev", "00000" + i, "succeeded", "olive",
                    Instant.now()));
            int n = i;
            // one at a time, so "newest" is well defined
            waitFor(() -> received.size() == n && !log.list("acme", "runs").isEmpty() && log.list("acme", "runs")
                    .get(0).id().equals(received.get(n - 1).header("X-flowstage-delivery")));
        }
        assertTrue(received.stream().allMatch(r -> "run".equals(r.header("X-flowstage-event"))),
                "the push was not for this webhook");
        List<WebhookDelivery> kept = log.list("acme", "runs");
        assertEquals(3, kept.size(), "only the newest 3 are kept");
        assertEquals(List.of(3, 2, 1).stream().map(k -> received.get(k).header("X-flowstage-delivery")).toList(),
                kept.stream().map(WebhookDelivery::id).toList());
    }

    private static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!c.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached in time");
            Thread.sleep(20);
        }
    }

    @Test
    void theReceiversBodyNeverReachesTheDeliveryLog() throws Exception {
        String body = "INTERNAL-ADMIN-PANEL-SECRET";
        HttpServer talker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        talker.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] b = ("<html>" + body + "</html>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(500, b.length);
            exchange.getResponseBody().write(b);
            exchange.close();
        });
        talker.start();
        try {
            store.create("acme", "olive", "talker", "http://127.0.0.1:" + talker.getAddress().getPort() + "/",
                    List.of("push"), null);
            bus.publish(push());
            WebhookDelivery d = awaitDeliveries("talker", 1).get(0);
            assertEquals(500, d.statusCode());
            assertEquals("the receiver answered 500 Internal Server Error", d.error());
            assertFalse(d.toString().contains(body), d.toString());
            assertFalse(log.list("acme", "talker").toString().contains(body));
        } finally {
            talker.stop(0);
        }
    }

    @Test
    void deliveriesWaitingForAnAnswerHoldNoDispatcherThread() throws Exception {
        int together = WebhookDispatcher.DELIVERY_THREADS + 1;
        CountDownLatch arrived = new CountDownLatch(together);
        HttpServer slow = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService handlers = Executors.newCachedThreadPool();
        slow.setExecutor(handlers);
        slow.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            arrived.countDown();
            boolean all;
            try {
                // each answer waits for the others: with a thread per delivery they could never all be here
                all = arrived.await(1500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                all = false;
            }
            exchange.sendResponseHeaders(all ? 204 : 404, -1);
            exchange.close();
        });
        slow.start();
        try {
            store.create("acme", "olive", "slow", "http://127.0.0.1:" + slow.getAddress().getPort() + "/",
                    List.of("push"), null);
            for (int i = 0; i < together; i++) {
                bus.publish(push());
            }
            List<WebhookDelivery> d = awaitDeliveries("slow", together);
            assertTrue(d.stream().allMatch(WebhookDelivery::succeeded), d.toString());
        } finally {
            slow.stop(0);
            handlers.shutdownNow();
        }
    }

    @Test
    void aDisallowedAddressIsRefusedOnceAndNeverCalled() throws Exception {
        dispatcher.close();
        outbound.close();
        outbound = new OutboundHttp(new OutboundConnector(AddressPolicy.PUBLIC_ONLY), Duration.ofSeconds(2));
        dispatcher = new WebhookDispatcher(store, log, Clock.systemUTC(), new WebhookDispatcher.Settings(3,
                Duration.ofMillis(20), 2.0, Duration.ofSeconds(2)), outbound, new PendingDeliveries(fx.repos));
        bus.close();
        bus = new EventBus();
        dispatcher.subscribeTo(bus);
        store.create("acme", "olive", "internal", url("/hook"), List.of("push"), null);
        bus.publish(push());
        WebhookDelivery d = awaitDeliveries("internal", 1).get(0);
        assertFalse(d.succeeded());
        assertEquals(1, d.attempts(), "a refusal is not retried");
        assertNull(d.statusCode());
        assertEquals("address 127.0.0.1 is not allowed for outbound calls (loopback); allow it with --outbound-allow",
                d.error());
        assertTrue(received.isEmpty(), "the receiver was never called");
    }
}
