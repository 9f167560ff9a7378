package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.TeamEventStream;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who deployed what, end to end: a push over HTTP, a pipeline deploy into a protected instance, its
 * review approval and a failed sign-in are read back from the audit API and the team's event stream,
 * survive a restart (the queue is flushed on shutdown), and no secret appears in any entry or log line.
 */
@ExtendWith(FlowstageExtension.class)
class AuditIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void changesAreAuditedInGitOnTheStreamAndInTheLog(TestServer server) throws Exception {
        // the tests' logging is at WARN; the audit lines and the stop line are INFO, as on a real server
        ch.qos.logback.classic.Logger ours = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.flowstage");
        ch.qos.logback.classic.Level was = ours.getLevel();
        ours.setLevel(ch.qos.logback.classic.Level.INFO);
        try {
            audited(server);
        } finally {
            ours.setLevel(was);
        }
    }

    private void audited(TestServer server) throws Exception {
        TestUser alice = server.newUser("alice");
        ApiClient admin = server.admin();
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"au\"}");
        admin.expect(201, "POST", "/api/v1/teams/au/applications", "{\"name\":\"line\"}");
        admin.expect(201, "PUT", "/api/v1/teams/au/members/alice", "{\"role\":\"member\"}");
        admin.expect(201, "POST", "/api/v1/teams/au/instances", "{\"name\":\"dev\",\"application\":\"line\"}");
        admin.expect(201, "POST", "/api/v1/teams/au/instances",
                "{\"name\":\"prod\",\"application\":\"line\",\"protected\":true}");
        admin.expect(201, "POST", "/api/v1/teams/au/instances", "{\"name\":\"edge\",\"application\":\"line\","
                + "\"credentialSecret\":\"cred-secret-XYZ-123\","
                + "\"nodeRed\":{\"url\":\"https://nodered.example.test/\",\"token\":\"nr-token-XYZ-123\"}}");
        admin.expect(201, "POST", "/api/v1/teams/au/webhooks", "{\"name\":\"audit-sink\","
                + "\"url\":\"https://hooks.example.test/secret-path-XYZ\",\"events\":[\"audit\"],"
                + "\"secret\":\"webhook-secret-XYZ-0123\"}");

        BlockingQueue<String> stream = new LinkedBlockingQueue<>();
        WebSocket ws = TeamEventStream.openAsAdmin(server, "au", stream::add);

        GitCli git = new GitCli(server.workDir().resolve("home"));
        Path dev = server.workDir().resolve("dev");
        git.ok(server.workDir(), "clone", Transport.HTTP.url(server, alice, "au", "dev"), dev.toString());
        Files.writeString(dev.resolve("flows.json"), "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Line\"}]\n");
        git.ok(dev, "add", ".");
        git.ok(dev, "commit", "-q", "-m", "Line flow");
        git.ok(dev, "push", "-q", "origin", "HEAD:main");
        String head = git.ok(dev, "rev-parse", "HEAD").trim();

        admin.expect(201, "POST", "/api/v1/teams/au/pipelines", """
                {"name":"line-1","application":"line","concurrency":"queue","stages":[
                  {"name":"dev","instance":"dev","action":"use_latest_snapshot"},
                  {"name":"prod","instance":"prod"}]}""");
        String runId = admin.expect(202, "POST", "/api/v1/teams/au/pipelines/line-1/stages/dev/deploy", "{}")
                .json().path("run").path("id").asText();
        long review = waitFor(admin, runId, "awaiting_approval").path("reviewId").asLong();
        admin.expect(200, "POST", "/api/v1/teams/au/reviews/" + review + "/approve", "{}");
        waitFor(admin, runId, "succeeded");

        String hookSecret = admin.get("/api/v1/teams/au/pipelines/line-1").json().path("webhook").path("secret").asText();
        assertThat(hookSecret).isNotEmpty();
        admin.expect(200, "POST", "/api/v1/teams/au/pipelines/line-1/pause", "{}");
        server.anonymous().expect(202, "POST", "/api/v1/teams/au/pipelines/line-1/hooks/" + hookSecret, "{}");

        assertThat(ApiClient.basic(server.httpBase(), "alice", "wrong-password-XYZ").get("/api/v1/user").status())
                .isEqualTo(401);

        // entries are queued and written in batches: wait for the last action's entry, not an earlier one
        List<String> expected = List.of(
                "admin instance.create instance/dev",
                "admin member.update member/alice",
                "admin webhook.create webhook/audit-sink",
                "admin pipeline.create pipeline/line-1",
                "alice push repo/dev",
                "admin run.deploy pipeline/line-1",
                "admin review.approve review/" + review,
                "admin run.succeeded pipeline/line-1",
                "admin pipeline.pause pipeline/line-1",
                "webhook run.webhook pipeline/line-1");
        List<JsonNode> team = waitForEntries(admin, "/api/v1/teams/au/audit",
                entries -> lines(entries).containsAll(expected));
        assertThat(lines(team)).containsAll(expected);
        JsonNode push = find(team, "push");
        assertThat(push.path("details").path("ref").asText()).isEqualTo("refs/heads/main");
        assertThat(push.path("details").path("new").asText()).isEqualTo(head);
        assertThat(find(team, "run.deploy").path("details").path("run").asText()).isEqualTo(runId);
        assertThat(find(team, "run.succeeded").path("details").path("run").asText()).isEqualTo(runId);
        // newest first, and the filter keeps one family
        assertThat(team.get(0).path("id").asText()).isGreaterThan(team.get(team.size() - 1).path("id").asText());
        assertThat(lines(all(admin, "/api/v1/teams/au/audit?action=run."))).allMatch(l -> l.contains(" run."));

        List<String> siteExpected = List.of("admin user.create user/alice", "alice token.create token/test",
                "alice key.create key/laptop", "admin team.create team/au", "anonymous login.failed user/alice");
        List<JsonNode> site = waitForEntries(admin, "/api/v1/audit", entries -> lines(entries).containsAll(siteExpected));
        JsonNode failed = find(site, "login.failed");
        assertThat(failed.path("details").path("user").asText()).isEqualTo("alice");
        assertThat(failed.path("details").path("address").asText()).isEqualTo("127.0.0.1");
        assertThat(server.as(alice).get("/api/v1/teams/au/audit").status()).isEqualTo(403);
        assertThat(server.as(alice).get("/api/v1/audit").status()).isEqualTo(403);

        List<JsonNode> events = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> wanted = List.of("push", "run.deploy", "review.approve", "run.succeeded");
        // events arrive in the order they were recorded, not the order listed: wait for all of them
        while (System.nanoTime() < deadline && !events.stream().map(AuditIT::action).toList().containsAll(wanted)) {
            String m = stream.poll(1, TimeUnit.SECONDS);
            if (m != null && JSON.readTree(m).path("type").asText().equals("audit")) {
                events.add(JSON.readTree(m));
            }
        }
        ws.abort();
        assertThat(events.stream().map(AuditIT::action).toList()).containsAll(wanted);

        String secrets = team.toString() + site + events + server.logs().text();
        for (String secret : List.of(alice.password(), alice.token(), TestServer.ADMIN_PASSWORD, "wrong-password-XYZ",
                "cred-secret-XYZ-123", "nr-token-XYZ-123", "webhook-secret-XYZ-0123", "secret-path-XYZ", hookSecret)) {
            assertThat(secrets).as("a secret in the audit log or the server log").doesNotContain(secret);
        }
        assertThat(server.logs().text()).contains("audit team=au actor=alice action=push target=repo/dev")
                .contains("audit site actor=anonymous action=login.failed target=user/alice");

        // a clean stop writes what is queued and says so; the entries are still there after the restart
        int before = all(admin, "/api/v1/teams/au/audit").size();
        admin.expect(201, "POST", "/api/v1/teams/au/applications", "{\"name\":\"last\"}");
        server.restart();
        assertThat(server.logs().text()).contains("Flowstage stopped");
        List<JsonNode> after = all(server.admin(), "/api/v1/teams/au/audit");
        assertThat(after.size()).isGreaterThan(before);
        assertThat(lines(after).get(0)).isEqualTo("admin application.create application/last");
    }

    private static String action(JsonNode event) {
        return event.path("data").path("action").asText();
    }

    private static JsonNode find(List<JsonNode> entries, String action) {
        return entries.stream().filter(e -> e.path("action").asText().equals(action)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + action + " entry in " + entries));
    }

    private static List<String> lines(List<JsonNode> entries) {
        return entries.stream().map(e -> e.path("actor").asText() + " " + e.path("action").asText() + " "
                + e.path("target").asText()).toList();
    }

    /** Every entry, following the cursor page by page. */
    private static List<JsonNode> all(ApiClient api, String path) {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        do {
            String sep = path.contains("?") ? "&" : "?";
            JsonNode page = api.expect(200, "GET", path + sep + "limit=5" + (cursor == null ? "" : "&cursor=" + cursor), null)
                    .json();
            page.path("items").forEach(out::add);
            cursor = page.path("next").isNull() ? null : page.path("next").asText();
        } while (cursor != null);
        return out;
    }

    /** Entries are written in batches a moment after the change: read until {@code done} holds. */
    private static List<JsonNode> waitForEntries(ApiClient api, String path, Predicate<List<JsonNode>> done)
            throws InterruptedException {
        List<JsonNode> entries = List.of();
        for (int i = 0; i < 300; i++) {
            entries = all(api, path);
            if (done.test(entries)) {
                return entries;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("audit log " + path + " never got there: " + lines(entries));
    }

    private static JsonNode waitFor(ApiClient api, String runId, String status) throws InterruptedException {
        JsonNode run = null;
        for (int i = 0; i < 300; i++) {
            run = api.get("/api/v1/teams/au/pipelines/line-1/runs/" + runId).json();
            if (run.path("status").asText().equals(status)) {
                return run;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + runId + " never reached " + status + ": " + run);
    }
}
