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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Staged rollouts through the whole server: twenty devices in a group, each reporting through the real
 * device API with its own token. Waves [10, 50, 100] move 2, then 8, then 10 devices as the earlier ones
 * report running, with progress on the run and on the team's event stream; a second deploy whose second wave
 * reports error stops, puts that wave back and never moves the third; a rollout resumes after a restart; an
 * approved rollout holds the pipeline's queue, also once resumed after a restart.
 */
@ExtendWith(FlowstageExtension.class)
class RolloutIT {
    private static final String TEAM = "fleet";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void wavesAdvanceOnReportsAndAFailingWaveIsPutBack(TestServer server) throws Exception {
        Map<String, String> tokens = setUp(server, "line-1", 0);
        List<String> devices = new ArrayList<>(tokens.keySet());
        TestUser alice = server.newUser("alice");
        server.admin().expect(201, "PUT", "/api/v1/teams/" + TEAM + "/members/alice", "{\"role\":\"owner\"}");
        GitCli git = new GitCli(server.workDir().resolve("home"));
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        ObjectMapper json = new ObjectMapper();
        WebSocket ws = TeamEventStream.openAsAdmin(server, TEAM, m -> {
            try {
                events.add(json.readTree(m));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            pushFlows(server, git, alice, "[{\"id\":\"n1\",\"type\":\"inject\"}]");
            String run = deploy(server, "line-1");
            JsonNode w1 = awaitRun(server, "line-1", run, r -> r.path("rollout").path("wave").asInt() == 1);
            String commit = w1.path("targetAfter").asText();
            assertThat(w1.path("status").asText()).isEqualTo("running");
            assertThat(w1.path("rollout").path("waves").asInt()).isEqualTo(3);
            assertThat(w1.path("rollout").path("devices").asInt()).isEqualTo(20);
            assertThat(w1.path("rollout").path("pending").asInt()).isEqualTo(2);
            assertThat(onCommit(server, devices, commit)).containsExactly("pi-01", "pi-02");

            report(server, tokens, devices.subList(0, 2), commit, "running");
            JsonNode w2 = awaitRun(server, "line-1", run, r -> r.path("rollout").path("wave").asInt() == 2);
            assertThat(w2.path("rollout").path("onTarget").asInt()).isEqualTo(2);
            assertThat(onCommit(server, devices, commit)).isEqualTo(devices.subList(0, 10));

            report(server, tokens, devices.subList(2, 10), commit, "running");
            awaitRun(server, "line-1", run, r -> r.path("rollout").path("wave").asInt() == 3);
            report(server, tokens, devices.subList(10, 20), commit, "running");
            JsonNode done = awaitRun(server, "line-1", run, r -> !r.path("status").asText().equals("running"));
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
            assertThat(done.path("rollout").path("onTarget").asInt()).isEqualTo(20);
            assertThat(onCommit(server, devices, commit)).isEqualTo(devices);
            assertThat(logs(done)).contains("Rollout done: 20 of 20 device(s) running " + commit.substring(0, 7));

            // the run's progress is on the event stream: a run event per wave, then the end
            Awaitility.await("run events with rollout progress").atMost(WAIT).until(() -> events.stream()
                    .filter(e -> "run".equals(e.path("type").asText()) && run.equals(e.path("data").path("run").asText()))
                    .map(e -> e.path("data").path("rollout").path("wave").asInt()).distinct().count() >= 3);
            assertThat(events.stream().filter(e -> "run".equals(e.path("type").asText())
                    && "succeeded".equals(e.path("data").path("status").asText())).findFirst().orElseThrow()
                    .path("data").path("rollout").path("onTarget").asInt()).isEqualTo(20);

            // a second deploy: the second wave's devices report error, so it goes back and the third never moves
            pushFlows(server, git, alice, "[{\"id\":\"n2\",\"type\":\"debug\"}]");
            String second = deploy(server, "line-1");
            JsonNode s1 = awaitRun(server, "line-1", second, r -> r.path("rollout").path("wave").asInt() == 1);
            String next = s1.path("targetAfter").asText();
            report(server, tokens, devices.subList(0, 2), next, "running");
            awaitRun(server, "line-1", second, r -> r.path("rollout").path("wave").asInt() == 2);
            report(server, tokens, devices.subList(2, 3), next, "error");
            JsonNode failed = awaitRun(server, "line-1", second, r -> !r.path("status").asText().equals("running"));
            assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("failed");
            assertThat(failed.path("error").asText())
                    .isEqualTo("rollout stopped at wave 2 of 3: 1 of 8 device(s) failed, over the 0% allowed");
            assertThat(logs(failed)).contains("Wave 2 of 3 failed: 1 of 8 device(s) failed (1 reported error): pi-03;"
                    + " the wave's 8 device(s) were put back to their previous commit; 10 device(s) of later waves"
                    + " were not moved");
            assertThat(failed.path("rollout").path("putBack").asInt()).isEqualTo(8);
            assertThat(onCommit(server, devices, next)).isEqualTo(devices.subList(0, 2));
            assertThat(onCommit(server, devices, commit)).isEqualTo(devices.subList(2, 20));
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }

    @Test
    void aRolloutResumesAfterARestart(TestServer server) throws Exception {
        Map<String, String> tokens = setUp(server, "line-2", 50);
        List<String> devices = new ArrayList<>(tokens.keySet());
        TestUser bob = server.newUser("bob");
        server.admin().expect(201, "PUT", "/api/v1/teams/" + TEAM + "/members/bob", "{\"role\":\"owner\"}");
        pushFlows(server, new GitCli(server.workDir().resolve("home")), bob, "[{\"id\":\"n3\",\"type\":\"inject\"}]");
        String run = deploy(server, "line-2");
        String commit = awaitRun(server, "line-2", run, r -> r.path("rollout").path("wave").asInt() == 1)
                .path("targetAfter").asText();
        report(server, tokens, devices.subList(0, 2), commit, "running");
        awaitRun(server, "line-2", run, r -> r.path("rollout").path("wave").asInt() == 2);

        server.restart();
        JsonNode resumed = awaitRun(server, "line-2", run, r -> logs(r).stream()
                .anyMatch(l -> l.startsWith("Server restarted during the rollout: resuming wave 2 of 3")));
        assertThat(resumed.path("status").asText()).isEqualTo("running");
        report(server, tokens, devices.subList(2, 10), commit, "running");
        awaitRun(server, "line-2", run, r -> r.path("rollout").path("wave").asInt() == 3);
        report(server, tokens, devices.subList(10, 20), commit, "running");
        JsonNode done = awaitRun(server, "line-2", run, r -> !r.path("status").asText().equals("running"));
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(onCommit(server, devices, commit)).isEqualTo(devices);
    }

    @Test
    void anApprovedRolloutHoldsThePipelinesQueueAcrossARestart(TestServer server) throws Exception {
        Map<String, String> tokens = setUp(server, "line-3", 0, ",\"approval\":{\"required\":1}");
        List<String> devices = new ArrayList<>(tokens.keySet());
        TestUser carol = server.newUser("carol");
        server.admin().expect(201, "PUT", "/api/v1/teams/" + TEAM + "/members/carol", "{\"role\":\"owner\"}");
        GitCli git = new GitCli(server.workDir().resolve("home"));
        pushFlows(server, git, carol, "dev-line-3", "[{\"id\":\"n4\",\"type\":\"inject\"}]");
        String run = deploy(server, "line-3");
        long review = awaitRun(server, "line-3", run, r -> r.path("status").asText().equals("awaiting_approval"))
                .path("reviewId").asLong();
        server.as(carol).expect(200, "POST", "/api/v1/teams/" + TEAM + "/reviews/" + review + "/approve", "{}");
        String commit = awaitRun(server, "line-3", run, r -> r.path("rollout").path("wave").asInt() == 1)
                .path("targetAfter").asText();

        // the pipeline's next run waits for the approved rollout, before and after a restart
        pushFlows(server, git, carol, "dev-line-3", "[{\"id\":\"n5\",\"type\":\"debug\"}]");
        String next = deploy(server, "line-3");
        report(server, tokens, devices.subList(0, 2), commit, "running");
        awaitRun(server, "line-3", run, r -> r.path("rollout").path("wave").asInt() == 2);
        assertThat(runStatus(server, "line-3", next)).isEqualTo("queued");

        server.restart();
        awaitRun(server, "line-3", run, r -> logs(r).stream()
                .anyMatch(l -> l.startsWith("Server restarted during the rollout: resuming wave 2 of 3")));
        report(server, tokens, devices.subList(2, 10), commit, "running");
        awaitRun(server, "line-3", run, r -> r.path("rollout").path("wave").asInt() == 3);
        assertThat(runStatus(server, "line-3", next)).as("the resumed rollout still holds the queue").isEqualTo("queued");
        report(server, tokens, devices.subList(10, 20), commit, "running");
        JsonNode done = awaitRun(server, "line-3", run, r -> !r.path("status").asText().equals("running"));
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(onCommit(server, devices, commit)).isEqualTo(devices);
        JsonNode waiting = awaitRun(server, "line-3", next, r -> !r.path("status").asText().equals("queued")
                && !r.path("status").asText().equals("running"));
        assertThat(waiting.path("status").asText()).as(waiting.toString()).isEqualTo("awaiting_approval");
    }

    @Test
    void aRolloutWhoseWavesDoNotRiseToOneHundredIsRefused(TestServer server) {
        server.admin().expect(201, "POST", "/api/v1/teams", "{\"name\":\"bad\"}");
        server.admin().expect(201, "POST", "/api/v1/teams/bad/applications", "{\"name\":\"line\"}");
        server.admin().expect(201, "POST", "/api/v1/teams/bad/instances", "{\"name\":\"dev\",\"application\":\"line\"}");
        server.admin().expect(201, "POST", "/api/v1/teams/bad/groups", "{\"name\":\"pis\",\"application\":\"line\"}");
        ApiClient.Response notEnding = server.admin().send("POST", "/api/v1/teams/bad/pipelines", pipeline("line-1",
                "[10, 50]", 60, 0));
        assertThat(notEnding.status()).as(notEnding.toString()).isEqualTo(422);
        assertThat(notEnding.toString()).contains("stage 'pis': rollout.'waves' must end at 100 so that the last wave"
                + " reaches every device, not at 50");
        ApiClient.Response falling = server.admin().send("POST", "/api/v1/teams/bad/pipelines", pipeline("line-1",
                "[50, 10, 100]", 60, 0));
        assertThat(falling.status()).as(falling.toString()).isEqualTo(422);
        assertThat(falling.toString()).contains("stage 'pis': rollout.'waves' must rise (each wave is the cumulative"
                + " share of devices): 10 follows 50");
    }

    /** Team (when missing), application, dev instance, group of twenty devices and the pipeline; device tokens. */
    private static Map<String, String> setUp(TestServer server, String pipeline, int abort) {
        return setUp(server, pipeline, abort, "");
    }

    /** As {@link #setUp(TestServer, String, int)}, with {@code groupStageExtra} (JSON members) on the group stage. */
    private static Map<String, String> setUp(TestServer server, String pipeline, int abort, String groupStageExtra) {
        ApiClient admin = server.admin();
        int created = admin.send("POST", "/api/v1/teams", "{\"name\":\"" + TEAM + "\"}").status();
        assertThat(created).as("the team is created, or was by another test on this server").isIn(201, 409);
        admin.expect(201, "POST", "/api/v1/teams/" + TEAM + "/applications", "{\"name\":\"" + pipeline + "\"}");
        admin.expect(201, "POST", "/api/v1/teams/" + TEAM + "/instances", "{\"name\":\"dev-" + pipeline
                + "\",\"application\":\"" + pipeline + "\"}");
        admin.expect(201, "POST", "/api/v1/teams/" + TEAM + "/groups", "{\"name\":\"pis-" + pipeline
                + "\",\"application\":\"" + pipeline + "\"}");
        Map<String, String> tokens = new LinkedHashMap<>();
        for (int i = 1; i <= 20; i++) {
            String name = String.format("pi-%02d", i) + (pipeline.equals("line-1") ? "" : "-" + pipeline);
            tokens.put(name, DeviceFleet.create(server, TEAM, pipeline, name, "pis-" + pipeline));
        }
        admin.expect(201, "POST", "/api/v1/teams/" + TEAM + "/pipelines", "{\"name\":\"" + pipeline
                + "\",\"application\":\"" + pipeline + "\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev-" + pipeline
                + "\"},{\"name\":\"pis\",\"group\":\"pis-" + pipeline + "\",\"rollout\":{\"waves\":[10,50,100],"
                + "\"waitForRunning\":3600,\"abortOnFailurePercent\":" + abort + "}" + groupStageExtra + "}]}");
        return tokens;
    }

    private static String pipeline(String name, String waves, int wait, int abort) {
        return "{\"name\":\"" + name + "\",\"application\":\"line\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"},"
                + "{\"name\":\"pis\",\"group\":\"pis\",\"rollout\":{\"waves\":" + waves + ",\"waitForRunning\":" + wait
                + ",\"abortOnFailurePercent\":" + abort + "}}]}";
    }

    private static String deploy(TestServer server, String pipeline) {
        return server.admin().expect(202, "POST", "/api/v1/teams/" + TEAM + "/pipelines/" + pipeline
                + "/stages/dev/deploy", "{}").json().path("run").path("id").asText();
    }

    private static JsonNode awaitRun(TestServer server, String pipeline, String id, Predicate<JsonNode> until) {
        String path = "/api/v1/teams/" + TEAM + "/pipelines/" + pipeline + "/runs/" + id;
        JsonNode[] last = new JsonNode[1];
        try {
            return Awaitility.await("run " + id).atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                last[0] = server.admin().get(path).json();
                return last[0];
            }, until);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("run " + id + " did not get there: " + last[0], e);
        }
    }

    private static String runStatus(TestServer server, String pipeline, String id) {
        return server.admin().get("/api/v1/teams/" + TEAM + "/pipelines/" + pipeline + "/runs/" + id).json()
                .path("status").asText();
    }

    /** Each device reports {@code state} on {@code commit} through the device API with its own token. */
    private static void report(TestServer server, Map<String, String> tokens, List<String> devices, String commit,
            String state) {
        for (String d : devices) {
            ApiClient.Response r = DeviceFleet.device(server, tokens.get(d)).post("/api/v1/devices/self/status",
                    DeviceFleet.status(commit, state));
            assertThat(r.status()).as(d + ": " + r).isEqualTo(200);
        }
    }

    /** The devices (in order) whose main is {@code commit}, as each one's own status view says. */
    private static List<String> onCommit(TestServer server, List<String> devices, String commit) {
        List<String> on = new ArrayList<>();
        for (String d : devices) {
            if (commit.equals(DeviceFleet.get(server, TEAM, "devices", d).path("targetCommit").asText())) {
                on.add(d);
            }
        }
        return on;
    }

    private static List<String> logs(JsonNode run) {
        List<String> lines = new ArrayList<>();
        run.path("log").forEach(l -> lines.add(l.path("message").asText()));
        return lines;
    }

    private static String pushFlows(TestServer server, GitCli git, TestUser user, String flows) {
        return pushFlows(server, git, user, "dev-" + (user.name().equals("alice") ? "line-1" : "line-2"), flows);
    }

    private static String pushFlows(TestServer server, GitCli git, TestUser user, String target, String flows) {
        Path dir = server.workDir().resolve("push-" + target);
        if (!Files.exists(dir)) {
            git.ok(server.workDir(), "clone", "-q", Transport.HTTP.url(server, user, TEAM, target), dir.toString());
        }
        try {
            Files.writeString(dir.resolve("flows.json"), flows);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        git.ok(dir, "add", ".");
        git.ok(dir, "commit", "-q", "-m", "flows");
        git.ok(dir, "push", "-q", "origin", "HEAD:main");
        return git.ok(dir, "rev-parse", "HEAD").trim();
    }
}
