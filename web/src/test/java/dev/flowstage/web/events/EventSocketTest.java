package dev.flowstage.web.events;

import static dev.flowstage.web.events.EventsServer.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.events.FlowstageEvent;
import dev.flowstage.storage.meta.AccessToken;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.secret.Tokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event WebSocket with the JDK's client against the real servlet context on Jetty. */
class EventSocketTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    EventsServer server;
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    int others;

    void start(EventStreams.Settings settings) throws Exception {
        server = new EventsServer(tmp.resolve("data"), settings, api -> { });
        // the webhook dispatcher and the push trigger listen too
        others = server.bus.subscriptions();
    }

    private int streams() {
        return server.bus.subscriptions() - others;
    }

    @Test
    void aMemberReceivesPushEventsOfTheirTeamOnly() throws Exception {
        start(EventStreams.Settings.DEFAULT);
        Client vera = connect("/api/v1/teams/acme/events", basic("vera"));
        // another team's event is published first: it must not reach acme's stream
        server.bus.publish(FlowstageEvent.push("other", "x", "refs/heads/main", null, "1".repeat(40), "mallory",
                Instant.now()));
        RevCommit c = server.push(tmp.resolve("work"), "dev", "refs/heads/main", "first", "flows.json", "[]\n");

        JsonNode event = vera.next();
        assertEquals("push", event.path("type").asText());
        assertEquals("acme", event.path("team").asText());
        assertEquals("dev", event.path("target").asText());
        assertTrue(event.path("time").asText().endsWith("Z"), event.toString());
        assertEquals("refs/heads/main", event.path("data").path("ref").asText());
        assertTrue(event.path("data").path("old").isNull(), event.toString());
        assertEquals(c.name(), event.path("data").path("new").asText());
        assertEquals("olive", event.path("data").path("actor").asText());

        RevCommit second = server.push(tmp.resolve("work"), "dev", "refs/heads/feature", "second");
        JsonNode next = vera.next();
        assertEquals("refs/heads/feature", next.path("data").path("ref").asText());
        assertEquals(second.name(), next.path("data").path("new").asText());
        vera.close();
    }

    @Test
    void auditEventsReachOwnersOnly() throws Exception {
        start(EventStreams.Settings.DEFAULT);
        Client vera = connect("/api/v1/teams/acme/events", basic("vera"));
        Client olive = connect("/api/v1/teams/acme/events", basic("olive"));
        server.bus.publish(FlowstageEvent.audit("acme", "member/bob", "olive", "member.update", Map.of("role", "owner"),
                Instant.now()));
        server.bus.publish(FlowstageEvent.review("acme", "qa", "8", "open", "olive", Instant.now()));
        JsonNode audit = olive.next();
        assertEquals("audit", audit.path("type").asText());
        assertEquals("member.update", audit.path("data").path("action").asText());
        assertEquals("owner", audit.path("data").path("details").path("role").asText());
        assertEquals("review", olive.next().path("type").asText());
        // the viewer's first event is the review: the audit entry before it was not sent
        assertEquals("review", vera.next().path("type").asText());
        vera.close();
        olive.close();
    }

    @Test
    void strangersAndAnonymousCallersAreRefusedBeforeTheUpgrade() throws Exception {
        start(EventStreams.Settings.DEFAULT);
        assertEquals(404, refusal("/api/v1/teams/acme/events", basic("mallory")));
        assertEquals(404, refusal("/api/v1/teams/no-such-team/events", basic("olive")));
        assertEquals(401, refusal("/api/v1/teams/acme/events", null));
        assertEquals(401, refusal("/api/v1/teams/acme/events", "Basic b2xpdmU6d3Jvbmc="));
        assertEquals(401, refusal("/api/v1/teams/acme/events", "Digest abc"));
        // tokens in the URL would end up in access logs: not accepted
        assertEquals(401, refusal("/api/v1/teams/acme/events?access_token=whatever", null));
    }

    @Test
    void aTicketOpensTheStreamOnceForItsTeamOnly() throws Exception {
        start(EventStreams.Settings.DEFAULT);
        String ticket = ticket("acme", basic("vera"), 201).path("ticket").asText();
        Client viaTicket = connect("/api/v1/teams/acme/events?ticket=" + ticket, null);
        server.bus.publish(FlowstageEvent.review("acme", "qa", "7", "open", "olive", Instant.now()));
        JsonNode review = viaTicket.next();
        assertEquals("review", review.path("type").asText());
        assertEquals("7", review.path("data").path("review").asText());
        viaTicket.close();

        assertEquals(401, refusal("/api/v1/teams/acme/events?ticket=" + ticket, null), "single use");
        String forAcme = ticket("acme", basic("olive"), 201).path("ticket").asText();
        assertEquals(401, refusal("/api/v1/teams/other/events?ticket=" + forAcme, null), "bound to its team");
        assertEquals(401, refusal("/api/v1/teams/acme/events?ticket=" + forAcme, null), "spent by the failed try");

        JsonNode refused = ticket("acme", basic("mallory"), 404);
        assertEquals("not_found", refused.path("error").path("code").asText());
    }

    @Test
    void aReadScopeTokenGetsATicketButStillCannotWrite() throws Exception {
        start(EventStreams.Settings.DEFAULT);
        String secret = Tokens.newPersonalToken();
        server.site.addToken("vera", new AccessToken("watch", Tokens.hash(secret), TokenScope.READ, Instant.now(), null));
        String ticket = ticket("acme", "Bearer " + secret, 201).path("ticket").asText();
        Client viaTicket = connect("/api/v1/teams/acme/events?ticket=" + ticket, null);
        server.bus.publish(FlowstageEvent.review("acme", "qa", "8", "open", "olive", Instant.now()));
        assertEquals("8", viaTicket.next().path("data").path("review").asText());
        viaTicket.close();
        // only the ticket: other writes stay refused for that token
        HttpResponse<String> write = http.send(HttpRequest.newBuilder(
                        URI.create("http://" + server.base + "/api/v1/teams/acme/webhooks"))
                .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"w\",\"url\":\"http://example.com/\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, write.statusCode(), write.body());
        assertTrue(write.body().contains("a read-scope token can only read"), write.body());
    }

    @Test
    void aClientThatDoesNotReadIsDisconnectedNotBuffered() throws Exception {
        start(new EventStreams.Settings(4, Duration.ofSeconds(30)));
        Client slow = connect("/api/v1/teams/acme/events", basic("vera"), false);
        assertEquals(1, streams());
        String big = "x".repeat(256 * 1024);
        // far more than the socket buffers hold: the server's queue of 4 must overflow
        for (int i = 0; i < 400 && streams() > 0; i++) {
            server.bus.publish(new FlowstageEvent("device", "acme", "pi-1", Instant.now(), Map.of("message", big)));
            Thread.sleep(5);
        }
        waitUntil(() -> streams() == 0);
        slow.ws.request(Long.MAX_VALUE);
        assertEquals(1008, slow.closed.get(30, TimeUnit.SECONDS));
        assertEquals(EventSocket.TOO_SLOW, slow.closeReason);
    }

    @Test
    void pingsAreSentAndAnsweredConnectionsStayOpen() throws Exception {
        start(new EventStreams.Settings(16, Duration.ofMillis(150)));
        Client c = connect("/api/v1/teams/acme/events", basic("olive"));
        waitUntil(() -> c.pings.get() >= 5);
        // five intervals passed: the JDK client's pongs kept the stream alive
        assertFalse(c.closed.isDone());
        server.bus.publish(FlowstageEvent.upstream("acme", "dev", "in_sync", "a".repeat(40), Instant.now()));
        assertEquals("upstream", c.next().path("type").asText());
        c.close();
    }

    @Test
    void anUpgradeFromAnotherOriginIsRefusedOwnOriginAndNoOriginAreNot() throws Exception {
        start(EventStreams.Settings.DEFAULT);
        for (String foreign : new String[] {"https://evil.example", "http://evil.example", "null",
                "http://127.0.0.1:1", "https://" + server.base}) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> builder(basic("vera"))
                    .header("Origin", foreign)
                    .buildAsync(URI.create("ws://" + server.base + "/api/v1/teams/acme/events"), new Client(true))
                    .get(10, TimeUnit.SECONDS), foreign);
            assertEquals(403, assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse()
                    .statusCode(), foreign);
        }
        Client same = new Client(true);
        same.ws = builder(basic("vera")).header("Origin", "http://" + server.base)
                .buildAsync(URI.create("ws://" + server.base + "/api/v1/teams/acme/events"), same)
                .get(10, TimeUnit.SECONDS);
        waitUntil(() -> streams() == 1);
        same.close();
        assertTrue(SameOrigin.matches("HTTPS://Flows.Example.com", true, "flows.example.com:443"));
        assertFalse(SameOrigin.matches("https://flows.example.com", false, "flows.example.com"));
    }

    @Test
    void aRevokedTokenOrARemovedMemberStopsReceivingEventsWithinTheRecheckInterval() throws Exception {
        start(new EventStreams.Settings(16, Duration.ofSeconds(30), Duration.ofMillis(100)));
        String secret = Tokens.newPersonalToken();
        server.site.addToken("vera", new AccessToken("watch", Tokens.hash(secret), TokenScope.READ, Instant.now(), null));
        Client byToken = connect("/api/v1/teams/acme/events", "Bearer " + secret);
        String ticketSecret = Tokens.newPersonalToken();
        server.site.addToken("vera", new AccessToken("ui", Tokens.hash(ticketSecret), TokenScope.READ, Instant.now(), null));
        String ticket = ticket("acme", "Bearer " + ticketSecret, 201).path("ticket").asText();
        Client byTicket = connect("/api/v1/teams/acme/events?ticket=" + ticket, null);
        Client byPassword = connect("/api/v1/teams/acme/events", basic("vera"));
        server.bus.publish(FlowstageEvent.review("acme", "qa", "1", "open", "olive", Instant.now()));
        for (Client c : new Client[] {byToken, byTicket, byPassword}) {
            assertEquals("1", c.next().path("data").path("review").asText());
        }

        server.site.revokeToken("vera", "watch");
        assertEquals(1008, byToken.closed.get(20, TimeUnit.SECONDS));
        assertEquals(EventSocket.NO_LONGER_ALLOWED, byToken.closeReason);
        server.site.revokeToken("vera", "ui");
        assertEquals(1008, byTicket.closed.get(20, TimeUnit.SECONDS));
        assertFalse(byPassword.closed.isDone(), "the password still holds");

        server.teams.edit("acme", "olive", "Remove vera", c -> c.withMember("vera", null));
        assertEquals(1008, byPassword.closed.get(20, TimeUnit.SECONDS));
        waitUntil(() -> streams() == 0);
        server.bus.publish(FlowstageEvent.review("acme", "qa", "2", "open", "olive", Instant.now()));
        for (Client c : new Client[] {byToken, byTicket, byPassword}) {
            assertTrue(c.messages.isEmpty(), "no event after the stream was closed");
        }
    }

    private JsonNode ticket(String team, String auth, int status) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://" + server.base + "/api/v1/teams/" + team + "/events/ticket"))
                .header("Authorization", auth).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(status, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private int refusal(String path, String auth) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> builder(auth)
                .buildAsync(URI.create("ws://" + server.base + path), new Client(true)).get(10, TimeUnit.SECONDS));
        WebSocketHandshakeException h = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        return h.getResponse().statusCode();
    }

    private WebSocket.Builder builder(String auth) {
        WebSocket.Builder b = http.newWebSocketBuilder();
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return b;
    }

    private Client connect(String path, String auth) throws Exception {
        return connect(path, auth, true);
    }

    private Client connect(String path, String auth, boolean reading) throws Exception {
        Client client = new Client(reading);
        int before = streams();
        client.ws = builder(auth).buildAsync(URI.create("ws://" + server.base + path), client).get(10, TimeUnit.SECONDS);
        waitUntil(() -> streams() > before);
        return client;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached in time");
            Thread.sleep(20);
        }
    }

    /** Collects whole text messages; a non-reading client requests nothing after the first frame. */
    static final class Client implements WebSocket.Listener {
        final boolean reading;
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final AtomicInteger pings = new AtomicInteger();
        final StringBuilder partial = new StringBuilder();
        volatile String closeReason;
        WebSocket ws;

        Client(boolean reading) {
            this.reading = reading;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            if (reading) {
                webSocket.request(1);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pings.incrementAndGet();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeReason = reason;
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        JsonNode next() throws Exception {
            String m = messages.poll(20, TimeUnit.SECONDS);
            assertNotNull(m, "no event arrived");
            return JSON.readTree(m);
        }

        void close() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }
}
