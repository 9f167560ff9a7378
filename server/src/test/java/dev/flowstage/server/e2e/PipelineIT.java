package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Development → QA → Production through the whole server: promotion with the env-keys-only and
 * settings-not-copied rules, a protected stage through an owner's approval, rollback, and the
 * webhook trigger with pause.
 */
@ExtendWith(FlowstageExtension.class)
class PipelineIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void devQaProd(TestServer server) throws Exception {
        TestUser alice = server.newUser("alice");
        ApiClient admin = server.admin();
        ApiClient member = server.as(alice);
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"fab\"}");
        admin.expect(201, "POST", "/api/v1/teams/fab/applications", "{\"name\":\"line\"}");
        admin.expect(201, "PUT", "/api/v1/teams/fab/members/alice", "{\"role\":\"member\"}");
        for (String i : new String[] {"dev", "qa"}) {
            admin.expect(201, "POST", "/api/v1/teams/fab/instances", "{\"name\":\"" + i + "\",\"application\":\"line\"}");
        }
        admin.expect(201, "POST", "/api/v1/teams/fab/instances", "{\"name\":\"prod\",\"application\":\"line\",\"protected\":true}");

        GitCli git = new GitCli(server.workDir().resolve("home"));
        Path qa = server.workDir().resolve("qa");
        git.ok(server.workDir(), "clone", Transport.HTTP.url(server, alice, "fab", "qa"), qa.toString());
        Files.writeString(qa.resolve("flows.json"), "[]\n");
        Files.writeString(qa.resolve("env.json"), "{\"BROKER\":\"qa-broker\",\"OLD\":\"x\"}\n");
        Files.writeString(qa.resolve("settings.json"), "{\"editorTheme\":\"qa\"}\n");
        git.ok(qa, "add", ".");
        git.ok(qa, "commit", "-q", "-m", "QA settings");
        git.ok(qa, "push", "-q", "origin", "HEAD:main");
        String qaBefore = git.ok(qa, "rev-parse", "HEAD").trim();

        Path dev = server.workDir().resolve("dev");
        git.ok(server.workDir(), "clone", Transport.HTTP.url(server, alice, "fab", "dev"), dev.toString());
        Files.writeString(dev.resolve("flows.json"), "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Line\"}]\n");
        Files.writeString(dev.resolve("env.json"), "{\"BROKER\":\"dev-broker\",\"NEW_KEY\":\"dev-value\"}\n");
        Files.writeString(dev.resolve("settings.json"), "{\"editorTheme\":\"dev\"}\n");
        git.ok(dev, "add", ".");
        git.ok(dev, "commit", "-q", "-m", "Line flow");
        git.ok(dev, "push", "-q", "origin", "HEAD:main");
        String devHead = git.ok(dev, "rev-parse", "HEAD").trim();

        admin.expect(201, "POST", "/api/v1/teams/fab/pipelines", """
                {"name":"line-1","application":"line","concurrency":"queue","stages":[
                  {"name":"dev","instance":"dev","action":"use_latest_snapshot"},
                  {"name":"qa","instance":"qa","action":"use_latest_snapshot"},
                  {"name":"prod","instance":"prod"}]}""");

        JsonNode run = member.expect(202, "POST", "/api/v1/teams/fab/pipelines/line-1/stages/dev/deploy", "{}").json().path("run");
        JsonNode done = waitFor(member, run.path("id").asText(), "succeeded");
        assertThat(done.path("sourceCommit").asText()).isEqualTo(devHead);

        git.ok(qa, "fetch", "-q", "origin");
        assertThat(git.ok(qa, "show", "origin/main:flows.json")).contains("Line");
        JsonNode env = JSON.readTree(git.ok(qa, "show", "origin/main:env.json"));
        assertThat(env.path("BROKER").asText()).isEqualTo("qa-broker");
        assertThat(env.path("NEW_KEY").asText()).isEmpty();
        assertThat(env.has("OLD")).isFalse();
        assertThat(git.ok(qa, "show", "origin/main:settings.json")).contains("\"qa\"");
        String message = git.ok(qa, "log", "-1", "--format=%B", "origin/main");
        assertThat(message).startsWith("Promote dev@" + devHead.substring(0, 7) + " to qa")
                .contains("Flowstage-Source: fab/dev@" + devHead).contains("Flowstage-Pipeline: line-1");

        assertThat(member.post("/api/v1/teams/fab/pipelines/line-1/stages/qa/deploy", "{}").status()).isEqualTo(403);
        JsonNode toProd = admin.expect(202, "POST", "/api/v1/teams/fab/pipelines/line-1/stages/qa/deploy", "{}")
                .json().path("run");
        JsonNode waiting = waitFor(admin, toProd.path("id").asText(), "awaiting_approval");
        long review = waiting.path("reviewId").asLong();
        admin.expect(200, "POST", "/api/v1/teams/fab/reviews/" + review + "/approve", "{}");
        waitFor(admin, toProd.path("id").asText(), "succeeded");
        assertThat(git.ok(server.workDir(), "ls-remote", Transport.HTTP.url(server, alice, "fab", "prod"), "refs/heads/main"))
                .isNotBlank();

        JsonNode rollback = member.expect(202, "POST",
                "/api/v1/teams/fab/pipelines/line-1/runs/" + run.path("id").asText() + "/rollback", "{}").json().path("run");
        waitFor(member, rollback.path("id").asText(), "succeeded");
        git.ok(qa, "fetch", "-q", "origin");
        assertThat(git.ok(qa, "rev-parse", "origin/main^{tree}").trim()).isEqualTo(git.ok(qa, "rev-parse", qaBefore + "^{tree}").trim());

        String secret = admin.get("/api/v1/teams/fab/pipelines/line-1").json().path("webhook").path("secret").asText();
        assertThat(secret).isNotBlank();
        assertThat(member.get("/api/v1/teams/fab/pipelines/line-1").json().path("webhook").has("secret")).isFalse();
        ApiClient anonymous = server.anonymous();
        assertThat(anonymous.post("/api/v1/teams/fab/pipelines/line-1/hooks/wrong-secret", "{}").status()).isEqualTo(404);
        JsonNode hooked = anonymous.expect(202, "POST", "/api/v1/teams/fab/pipelines/line-1/hooks/" + secret, "{}").json();
        waitFor(admin, hooked.path("run").path("id").asText(), "succeeded");

        admin.expect(200, "POST", "/api/v1/teams/fab/pipelines/line-1/pause", "{}");
        int runsBefore = admin.get("/api/v1/teams/fab/pipelines/line-1/runs?limit=100").json().path("items").size();
        JsonNode paused = anonymous.expect(202, "POST", "/api/v1/teams/fab/pipelines/line-1/hooks/" + secret, "{}").json();
        assertThat(paused.path("message").asText()).contains("paused");
        assertThat(admin.get("/api/v1/teams/fab/pipelines/line-1/runs?limit=100").json().path("items").size()).isEqualTo(runsBefore);
    }

    private static JsonNode waitFor(ApiClient api, String runId, String status) throws InterruptedException {
        JsonNode run = null;
        for (int i = 0; i < 300; i++) {
            run = api.get("/api/v1/teams/fab/pipelines/line-1/runs/" + runId).json();
            String s = run.path("status").asText();
            if (s.equals(status)) {
                return run;
            }
            if (s.equals("failed") || s.equals("rejected")) {
                throw new AssertionError("run " + runId + " ended " + s + ": " + run);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("run " + runId + " never reached " + status + ": " + run);
    }
}
