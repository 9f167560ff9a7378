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

    @Test
    void aStageCanRequireApprovalsFromOwnersOtherThanTheRunsActor(TestServer server) throws Exception {
        TestUser olivia = server.newUser("olivia");
        TestUser oscar = server.newUser("oscar");
        ApiClient admin = server.admin();
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"four\"}");
        admin.expect(201, "POST", "/api/v1/teams/four/applications", "{\"name\":\"line\"}");
        admin.expect(201, "PUT", "/api/v1/teams/four/members/olivia", "{\"role\":\"owner\"}");
        admin.expect(201, "PUT", "/api/v1/teams/four/members/oscar", "{\"role\":\"owner\"}");
        for (String i : new String[] {"a", "b"}) {
            admin.expect(201, "POST", "/api/v1/teams/four/instances", "{\"name\":\"" + i + "\",\"application\":\"line\"}");
        }
        GitCli git = new GitCli(server.workDir().resolve("home4"));
        Path a = server.workDir().resolve("four-a");
        git.ok(server.workDir(), "clone", Transport.HTTP.url(server, olivia, "four", "a"), a.toString());
        Files.writeString(a.resolve("flows.json"), "[]\n");
        git.ok(a, "add", ".");
        git.ok(a, "commit", "-q", "-m", "flows");
        git.ok(a, "push", "-q", "origin", "HEAD:main");
        admin.expect(201, "POST", "/api/v1/teams/four/pipelines", """
                {"name":"line-1","application":"line","stages":[
                  {"name":"a","instance":"a"},
                  {"name":"b","instance":"b","approval":{"required":1,"excludeActor":true}}]}""");
        ApiClient oliviaApi = server.as(olivia);
        JsonNode run = oliviaApi.expect(202, "POST", "/api/v1/teams/four/pipelines/line-1/stages/a/deploy", "{}")
                .json().path("run");
        JsonNode waiting = waitFor(oliviaApi, "four", run.path("id").asText(), "awaiting_approval");
        String review = "/api/v1/teams/four/reviews/" + waiting.path("reviewId").asLong() + "/approve";
        ApiClient.Response own = oliviaApi.post(review, "{}");
        assertThat(own.status()).isEqualTo(403);
        assertThat(own.json().at("/error/message").asText()).contains("may not approve");
        server.as(oscar).expect(200, "POST", review, "{}");
        waitFor(oliviaApi, "four", run.path("id").asText(), "succeeded");
    }

    @Test
    void theStatusShowsEachStagesSnapshotAndWhetherItIsBehindThePreviousStage(TestServer server) throws Exception {
        TestUser vic = server.newUser("vic");
        TestUser olga = server.newUser("olga");
        ApiClient admin = server.admin();
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"st\"}");
        admin.expect(201, "POST", "/api/v1/teams/st/applications", "{\"name\":\"line\"}");
        admin.expect(201, "PUT", "/api/v1/teams/st/members/vic", "{\"role\":\"viewer\"}");
        admin.expect(201, "PUT", "/api/v1/teams/st/members/olga", "{\"role\":\"owner\"}");
        admin.expect(201, "POST", "/api/v1/teams/st/instances", "{\"name\":\"a\",\"application\":\"line\"}");
        admin.expect(201, "POST", "/api/v1/teams/st/instances", "{\"name\":\"b\",\"application\":\"line\"}");
        admin.expect(201, "POST", "/api/v1/teams/st/instances",
                "{\"name\":\"c\",\"application\":\"line\",\"protected\":true}");
        admin.expect(201, "POST", "/api/v1/teams/st/pipelines", """
                {"name":"line-1","application":"line","stages":[
                  {"name":"a","instance":"a"},{"name":"b","instance":"b"},{"name":"c","instance":"c"}]}""");
        ApiClient viewer = server.as(vic);
        String status = "/api/v1/teams/st/pipelines/line-1/status";
        JsonNode empty = viewer.expect(200, "GET", status, null).json();
        assertThat(empty.path("stages").size()).isEqualTo(3);
        assertThat(empty.at("/stages/0").has("snapshot")).as("no commit yet").isFalse();
        assertThat(empty.at("/stages/1/behind").asBoolean()).as("nothing to bring yet").isFalse();
        assertThat(empty.at("/stages/2/protected").asBoolean()).isTrue();
        assertThat(empty.at("/stages/0/protected").asBoolean()).isFalse();

        GitCli git = new GitCli(server.workDir().resolve("home-st"));
        Path a = server.workDir().resolve("st-a");
        git.ok(server.workDir(), "clone", Transport.HTTP.url(server, olga, "st", "a"), a.toString());
        Files.writeString(a.resolve("flows.json"), "[]\n");
        git.ok(a, "add", ".");
        git.ok(a, "commit", "-q", "-m", "first flows");
        git.ok(a, "push", "-q", "origin", "HEAD:main");
        String first = git.ok(a, "rev-parse", "HEAD").trim();

        JsonNode before = viewer.expect(200, "GET", status, null).json();
        assertThat(before.at("/stages/0/snapshot/id").asText()).isEqualTo(first);
        assertThat(before.at("/stages/0/snapshot/name").asText()).isEqualTo("first flows");
        assertThat(before.at("/stages/0").has("behind")).as("the first stage has nothing before it").isFalse();
        assertThat(before.at("/stages/1/behind").asBoolean()).isTrue();
        assertThat(before.at("/stages/1/behindBy").asInt()).isEqualTo(1);
        assertThat(before.at("/stages/1").has("promotedFrom")).isFalse();

        JsonNode run = admin.expect(202, "POST", "/api/v1/teams/st/pipelines/line-1/stages/a/deploy", "{}").json()
                .path("run");
        waitFor(admin, "st", run.path("id").asText(), "succeeded");
        JsonNode after = viewer.expect(200, "GET", status, null).json();
        assertThat(after.at("/stages/1/behind").asBoolean()).isFalse();
        assertThat(after.at("/stages/1/promotedFrom").asText()).isEqualTo(first);
        assertThat(after.at("/stages/1/snapshot/source").asText()).isEqualTo("st/a@" + first);
        assertThat(after.at("/stages/2/behind").asBoolean()).as("b now has a commit c lacks").isTrue();

        Files.writeString(a.resolve("flows.json"), "[{\"id\":\"t1\",\"type\":\"tab\"}]\n");
        git.ok(a, "commit", "-q", "-am", "second");
        Files.writeString(a.resolve("flows.json"), "[{\"id\":\"t2\",\"type\":\"tab\"}]\n");
        git.ok(a, "commit", "-q", "-am", "third");
        git.ok(a, "push", "-q", "origin", "HEAD:main");
        JsonNode moved = viewer.expect(200, "GET", status, null).json();
        assertThat(moved.at("/stages/1/behind").asBoolean()).isTrue();
        assertThat(moved.at("/stages/1/behindBy").asInt()).isEqualTo(2);

        assertThat(viewer.get("/api/v1/teams/st/pipelines/nope/status").json().at("/error/message").asText())
                .isEqualTo("pipeline 'nope' does not exist in team 'st'");
    }

    private static JsonNode waitFor(ApiClient api, String runId, String status) throws InterruptedException {
        return waitFor(api, "fab", runId, status);
    }

    private static JsonNode waitFor(ApiClient api, String team, String runId, String status) throws InterruptedException {
        JsonNode run = null;
        for (int i = 0; i < 300; i++) {
            run = api.get("/api/v1/teams/" + team + "/pipelines/line-1/runs/" + runId).json();
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
