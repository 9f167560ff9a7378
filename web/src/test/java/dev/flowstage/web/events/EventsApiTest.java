package dev.flowstage.web.events;

import static dev.flowstage.web.events.EventsServer.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.flowstage.hooks.events.WebhookSignature;
import dev.flowstage.hooks.pipeline.PipelineRunner;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Team webhooks, the pipeline webhook trigger and pause/resume over HTTP, fed by real pushes. */
class EventsApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "receiver-secret-0123456789";

    /** Stands in for the engine's pipeline resource: the trigger endpoints must not shadow it. */
    @jakarta.ws.rs.Path("teams/{team}/pipelines")
    @Produces(MediaType.APPLICATION_JSON)
    public static final class EngineLikeResource {
        @GET
        @jakarta.ws.rs.Path("{p}")
        public Map<String, String> get(@PathParam("p") String p) {
            return Map.of("name", p);
        }

        @POST
        @jakarta.ws.rs.Path("{p}/stages/{s}/deploy")
        public Map<String, String> deploy(@PathParam("p") String p, @PathParam("s") String s) {
            return Map.of("deployed", s);
        }
    }

    @TempDir
    Path tmp;
    EventsServer server;
    HttpServer receiver;
    final List<Map.Entry<Map<String, List<String>>, byte[]>> received = new CopyOnWriteArrayList<>();
    final AtomicInteger failFirst = new AtomicInteger();
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = new EventsServer(tmp.resolve("data"), EventStreams.Settings.DEFAULT,
                api -> api.register(EngineLikeResource.class));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            received.add(Map.entry(Map.copyOf(ex.getRequestHeaders()), ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(failFirst.getAndDecrement() > 0 ? 500 : 200, -1);
            ex.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() throws Exception {
        receiver.stop(0);
        server.close();
    }

    record Reply(int status, JsonNode json, String text) {}

    private Reply call(String method, String path, String auth, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + server.base + "/api/v1" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (auth != null) {
            b.header("Authorization", auth);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()), r.body());
    }

    private String hookUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/flowstage";
    }

    private static void waitUntil(java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!c.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not reached in time");
            Thread.sleep(20);
        }
    }

    @Test
    void anOwnerConfiguresAWebhookThatReceivesSignedPushEventsWithRetries() throws Exception {
        Reply created = call("POST", "/teams/acme/webhooks", basic("olive"), "{\"name\":\"ci\",\"url\":\"" + hookUrl()
                + "\",\"events\":[\"push\"],\"secret\":\"" + SECRET + "\"}");
        assertEquals(201, created.status(), created.text());
        assertEquals("ci", created.json().path("name").asText());
        assertTrue(created.json().path("signed").asBoolean());
        assertFalse(created.text().contains(SECRET));
        Reply list = call("GET", "/teams/acme/webhooks", basic("olive"), null);
        assertEquals(List.of("ci"), List.of(list.json().path("items").get(0).path("name").asText()));
        assertFalse(list.text().contains(SECRET) || call("GET", "/teams/acme/webhooks/ci", basic("olive"), null)
                .text().contains(SECRET));

        failFirst.set(1);
        RevCommit pushed = server.push(tmp.resolve("work"), "dev", "refs/heads/main", "first", "flows.json", "[]\n");
        waitUntil(() -> !call0("/teams/acme/webhooks/ci/deliveries").path("items").isEmpty());
        JsonNode delivery = call0("/teams/acme/webhooks/ci/deliveries").path("items").get(0);
        assertEquals("succeeded", delivery.path("status").asText(), delivery.toString());
        assertEquals(200, delivery.path("statusCode").asInt());
        assertEquals(2, delivery.path("attempts").asInt());
        assertEquals("push", delivery.path("event").asText());
        assertEquals("dev", delivery.path("target").asText());

        assertEquals(2, received.size());
        byte[] body = received.get(1).getValue();
        Map<String, List<String>> headers = received.get(1).getKey();
        assertEquals(WebhookSignature.sign(SECRET, body), headers.get("X-flowstage-signature-256").get(0));
        assertEquals(delivery.path("id").asText(), headers.get("X-flowstage-delivery").get(0));
        JsonNode event = JSON.readTree(new String(body, StandardCharsets.UTF_8));
        assertEquals(pushed.name(), event.path("data").path("new").asText());

        assertEquals(204, call("DELETE", "/teams/acme/webhooks/ci", basic("olive"), null).status());
        assertEquals(404, call("GET", "/teams/acme/webhooks/ci", basic("olive"), null).status());
    }

    private JsonNode call0(String path) {
        try {
            return call("GET", path, basic("olive"), null).json();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void webhookConfigIsForOwnersAndBadInputIsNamed() throws Exception {
        String ok = "{\"name\":\"ci\",\"url\":\"https://ci.example.test/x\",\"events\":[\"run\"]}";
        assertEquals(403, call("POST", "/teams/acme/webhooks", basic("vera"), ok).status());
        assertEquals(404, call("GET", "/teams/acme/webhooks", basic("mallory"), null).status());
        assertEquals(401, call("GET", "/teams/acme/webhooks", null, null).status());

        Reply ftp = call("POST", "/teams/acme/webhooks", basic("olive"),
                "{\"name\":\"ci\",\"url\":\"ftp://x.test/\",\"events\":[\"run\"]}");
        assertEquals(422, ftp.status());
        assertEquals("'url' must be an http or https URL", ftp.json().path("error").path("message").asText());
        Reply metadata = call("POST", "/teams/acme/webhooks", basic("olive"),
                "{\"name\":\"ci\",\"url\":\"http://[::ffff:169.254.169.254]/latest/\",\"events\":[\"run\"]}");
        assertEquals(422, metadata.status());
        assertEquals("'url': address 169.254.169.254 is not allowed for outbound calls (cloud metadata); allow it with"
                + " --outbound-allow (only an entry naming it explicitly, e.g. 169.254.169.254, admits it)",
                metadata.json().path("error").path("message").asText());
        Reply weak = call("POST", "/teams/acme/webhooks", basic("olive"),
                "{\"name\":\"ci\",\"url\":\"https://x.test/\",\"events\":[\"run\"],\"secret\":\"short\"}");
        assertEquals("'secret' must be at least 16 characters", weak.json().path("error").path("message").asText());
        Reply noEvents = call("POST", "/teams/acme/webhooks", basic("olive"),
                "{\"name\":\"ci\",\"url\":\"https://x.test/\"}");
        assertEquals("field 'events' is required", noEvents.json().path("error").path("message").asText());
        Reply badName = call("POST", "/teams/acme/webhooks", basic("olive"),
                "{\"name\":\"CI\",\"url\":\"https://x.test/\",\"events\":[\"run\"]}");
        assertEquals(422, badName.status());

        assertEquals(201, call("POST", "/teams/acme/webhooks", basic("olive"), ok).status());
        Reply again = call("POST", "/teams/acme/webhooks", basic("olive"), ok);
        assertEquals(409, again.status());
        assertEquals("webhook 'ci' already exists in team 'acme'", again.json().path("error").path("message").asText());
        assertEquals(404, call("GET", "/teams/acme/webhooks/nope/deliveries", basic("olive"), null).status());
        assertTrue(server.teams.team("acme").orElseThrow().extraFiles().containsKey("webhooks/ci.json"));
    }

    private String createPipeline() throws Exception {
        server.pipelines.create("acme", "olive", JSON.readTree(("{'name':'line-1','application':'app','stages':["
                + "{'name':'dev','instance':'dev','trigger':{'onPush':true,'paths':['flows.json'],"
                + "'skipMarker':'[skip deploy]'}},{'name':'qa','instance':'qa'}]}").replace('\'', '"')));
        return server.pipelines.webhookSecret(server.pipelines.get("acme", "line-1").orElseThrow()).orElseThrow();
    }

    @Test
    void thePipelineWebhookNeedsOnlyItsSecretAndAnswers404AlikeOtherwise() throws Exception {
        String secret = createPipeline();
        Reply ran = call("POST", "/teams/acme/pipelines/line-1/hooks/" + secret, null, "{\"ref\":\"x\",\"any\":1}");
        assertEquals(202, ran.status(), ran.text());
        assertEquals("000001", ran.json().path("run").path("id").asText());
        assertEquals("queued", ran.json().path("run").path("status").asText());
        assertEquals(new RecordingRunner.Call("acme", "line-1", "dev", Optional.empty(), "webhook",
                PipelineRunner.WEBHOOK), server.runner.calls.get(0));

        Reply wrong = call("POST", "/teams/acme/pipelines/line-1/hooks/" + secret.replace(secret.charAt(0), '~'), null, null);
        Reply unknown = call("POST", "/teams/acme/pipelines/nope/hooks/" + secret, null, null);
        Reply noTeam = call("POST", "/teams/nope/pipelines/line-1/hooks/" + secret, null, null);
        assertEquals(404, wrong.status());
        assertEquals(wrong.text(), unknown.text());
        assertEquals(wrong.text(), noTeam.text());
        assertEquals(1, server.runner.calls.size());

        // other pipeline paths still belong to the pipelines API and still need credentials
        assertEquals("line-1", call("GET", "/teams/acme/pipelines/line-1", basic("olive"), null).json()
                .path("name").asText());
        assertEquals("qa", call("POST", "/teams/acme/pipelines/line-1/stages/qa/deploy", basic("olive"), null).json()
                .path("deployed").asText());
        assertEquals(401, call("POST", "/teams/acme/pipelines/line-1/stages/qa/deploy", null, null).status());
        assertEquals(401, call("GET", "/teams/acme/pipelines/line-1/hooks/" + secret, null, null).status());
    }

    @Test
    void pausingStopsWebhookAndPushTriggersUntilResumed() throws Exception {
        String secret = createPipeline();
        assertEquals(403, call("POST", "/teams/acme/pipelines/line-1/pause", basic("vera"), null).status());
        assertEquals(404, call("POST", "/teams/acme/pipelines/line-1/pause", basic("mallory"), null).status());
        Reply missing = call("POST", "/teams/acme/pipelines/nope/pause", basic("olive"), null);
        assertEquals("pipeline 'nope' not found in team 'acme'", missing.json().path("error").path("message").asText());

        Reply paused = call("POST", "/teams/acme/pipelines/line-1/pause", basic("olive"), null);
        assertEquals(200, paused.status(), paused.text());
        assertTrue(paused.json().path("paused").asBoolean());
        String file = new String(server.teams.team("acme").orElseThrow().extraFiles().get("pipelines/line-1.json"),
                StandardCharsets.UTF_8);
        assertTrue(file.contains("\"paused\""), file);

        Reply hook = call("POST", "/teams/acme/pipelines/line-1/hooks/" + secret, null, null);
        assertEquals(202, hook.status());
        assertEquals("{\"message\":\"pipeline line-1 is paused: nothing was run\"}", hook.text());
        server.push(tmp.resolve("work"), "dev", "refs/heads/main", "while paused", "flows.json", "[]\n");

        assertEquals(false, call("POST", "/teams/acme/pipelines/line-1/resume", basic("olive"), null).json()
                .path("paused").asBoolean());
        server.push(tmp.resolve("work"), "dev", "refs/heads/main", "docs only", "README.md", "hi\n");
        server.push(tmp.resolve("work"), "dev", "refs/heads/main", "tweak [skip deploy]", "flows.json", "[ ]\n");
        RevCommit real = server.push(tmp.resolve("work"), "dev", "refs/heads/main", "flows", "flows.json", "[  ]\n");
        // The trigger takes push events one at a time in the order they were published: once the last
        // push has run, the three before it were decided, so no sleep is needed to see they did not run.
        waitUntil(() -> !server.runner.calls.isEmpty());
        assertEquals(List.of(new RecordingRunner.Call("acme", "line-1", "dev", Optional.empty(), "olive",
                PipelineRunner.PUSH)), server.runner.calls, "only the push of " + real.name() + " qualifies");
    }
}
