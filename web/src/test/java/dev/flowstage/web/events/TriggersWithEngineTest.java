package dev.flowstage.web.events;

import static dev.flowstage.web.events.EventsServer.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.events.FlowstageEvent;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Push and webhook triggers deploying through the real pipeline engine: the promotion lands on qa. */
class TriggersWithEngineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    EventsServer server;

    @BeforeEach
    void start() throws Exception {
        server = new EventsServer(tmp.resolve("data"), EventStreams.Settings.DEFAULT, api -> { }, true);
        server.pipelines.create("acme", "olive", JSON.readTree(("{'name':'line-1','application':'app','stages':["
                + "{'name':'dev','instance':'dev','action':'use_latest_snapshot','trigger':{'onPush':true}},"
                + "{'name':'qa','instance':'qa'}]}").replace('\'', '"')));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private HttpResponse<String> post(String path, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + server.base + "/api/v1" + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String auth) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + server.base + "/api/v1"
                + path)).header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<Run> runs() {
        return server.engine.runs("acme", "line-1", 100, null);
    }

    private Run awaitFinished(int count) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            List<Run> runs = runs();
            if (runs.size() >= count && runs.stream().allMatch(r -> r.status().isTerminal())) {
                return runs.get(0);
            }
            assertTrue(System.nanoTime() < deadline, "runs did not finish: " + runs);
            Thread.sleep(50);
        }
    }

    private RevCommit qaMain() throws Exception {
        try (Repository qa = server.repos.open(new RepoName("acme", "qa")); RevWalk rw = new RevWalk(qa)) {
            ObjectId main = qa.resolve("refs/heads/main");
            return main == null ? null : rw.parseCommit(main);
        }
    }

    @Test
    void aPushToDevPromotesIntoQaAndTheRunIsStreamedAsEvents() throws Exception {
        java.util.concurrent.LinkedBlockingQueue<FlowstageEvent> events = new java.util.concurrent.LinkedBlockingQueue<>();
        server.bus.subscribe("acme", e -> {
            if (e.type().equals(FlowstageEvent.RUN)) {
                events.add(e);
            }
        });
        RevCommit pushed = server.push(tmp.resolve("work"), "dev", "refs/heads/main", "new flows",
                "flows.json", "[{\"id\":\"n1\",\"type\":\"inject\"}]\n");
        Run run = awaitFinished(1);
        assertEquals(RunStatus.SUCCEEDED, run.status(), run.toString());
        assertEquals("olive", run.actor());
        assertEquals(pushed.name(), run.sourceCommit());
        RevCommit promoted = qaMain();
        assertTrue(promoted.getFullMessage().contains("Flowstage-Source: acme/dev@" + pushed.name()),
                promoted.getFullMessage());

        List<String> statuses = new java.util.ArrayList<>();
        while (!statuses.contains("succeeded")) {
            FlowstageEvent e = events.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(e != null, "run events so far: " + statuses);
            assertEquals("qa", e.target());
            assertEquals(run.id(), e.data().get("run"));
            assertEquals("line-1", e.data().get("pipeline"));
            statuses.add((String) e.data().get("status"));
        }
        assertEquals(List.of("queued", "running", "succeeded"), statuses);
    }

    @Test
    void theWebhookTriggerQueuesARealRun() throws Exception {
        server.push(tmp.resolve("work"), "dev", "refs/heads/main", "first", "flows.json", "[]\n");
        awaitFinished(1);
        String secret = server.pipelines.webhookSecret(server.pipelines.get("acme", "line-1").orElseThrow())
                .orElseThrow();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://"
                        + server.base + "/api/v1/teams/acme/pipelines/line-1/hooks/" + secret))
                // what a CI system's webhook sends: not JSON, and that is fine here (no 415)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("payload=%7B%7D")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        JsonNode run = JSON.readTree(r.body()).path("run");
        assertEquals("dev", run.path("stage").asText());
        assertEquals("webhook", run.path("actor").asText());
        Run finished = awaitFinished(2);
        assertEquals(run.path("id").asText(), finished.id());
        assertEquals(RunStatus.SUCCEEDED, finished.status(), finished.toString());

        // pause and resume sit beside the pipelines API: its GET shows the state, its deploy still works
        assertEquals(401, post("/teams/acme/pipelines/line-1/pause", null).statusCode());
        assertEquals(200, post("/teams/acme/pipelines/line-1/pause", basic("olive")).statusCode());
        JsonNode shown = JSON.readTree(get("/teams/acme/pipelines/line-1", basic("olive")).body());
        assertTrue(shown.path("paused").asBoolean(), shown.toString());
        assertEquals(secret, shown.path("webhook").path("secret").asText());
        HttpResponse<String> paused = post("/teams/acme/pipelines/line-1/hooks/" + secret, null);
        assertEquals("{\"message\":\"pipeline line-1 is paused: nothing was run\"}", paused.body());
        HttpResponse<String> apiDeploy = post("/teams/acme/pipelines/line-1/stages/dev/deploy", basic("olive"));
        assertEquals(202, apiDeploy.statusCode(), apiDeploy.body());
        awaitFinished(3);
        assertEquals(200, post("/teams/acme/pipelines/line-1/resume", basic("olive")).statusCode());
        assertTrue(!JSON.readTree(get("/teams/acme/pipelines/line-1", basic("olive")).body()).path("paused").asBoolean());
    }
}
