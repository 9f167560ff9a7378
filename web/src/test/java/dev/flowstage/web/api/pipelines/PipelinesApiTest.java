package dev.flowstage.web.api.pipelines;

import static dev.flowstage.web.api.pipelines.PipelineApiServer.MIA;
import static dev.flowstage.web.api.pipelines.PipelineApiServer.OLGA;
import static dev.flowstage.web.api.pipelines.PipelineApiServer.OSCAR;
import static dev.flowstage.web.api.pipelines.PipelineApiServer.VIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.snapshot.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelinesApiTest {
    private static final String LINE = "{\"name\":\"line-1\",\"application\":\"factory\",\"concurrency\":\"queue\","
            + "\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\",\"action\":\"use_latest_snapshot\"},"
            + "{\"name\":\"qa\",\"instance\":\"qa\",\"action\":\"prompt_snapshot\"},{\"name\":\"prod\",\"instance\":\"prod\"}]}";
    private static final Snapshot V1 = Snapshot.EMPTY.with("flows.json", "[{\"id\":\"t1\",\"type\":\"tab\"}]")
            .with("env.json", "{\"A\":\"dev\"}");
    private static final Snapshot V2 = Snapshot.EMPTY.with("flows.json", "[]");

    @TempDir
    Path data;
    private PipelineApiServer api;

    @BeforeEach
    void start() throws Exception {
        api = new PipelineApiServer(data);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void ownersManageDefinitionsMembersReadThemWithoutTheWebhookSecret() throws Exception {
        int before = configCommits();
        JsonNode created = api.post("/teams/acme/pipelines", OLGA, LINE).expect(201);
        assertEquals(before + 1, configCommits(), "one commit in _config.git");
        assertEquals("line-1", created.path("name").asText());
        assertEquals("queue", created.path("concurrency").asText());
        assertFalse(created.path("paused").asBoolean());
        String secret = created.path("webhook").path("secret").asText();
        assertTrue(secret.length() >= 20, created.toString());
        assertEquals(secret, api.get("/teams/acme/pipelines/line-1", OSCAR).expect(200).path("webhook").path("secret")
                .asText());
        JsonNode asMember = api.get("/teams/acme/pipelines/line-1", MIA).expect(200);
        assertTrue(asMember.path("webhook").isMissingNode(), asMember.toString());
        assertEquals(List.of("dev", "qa", "prod"), names(asMember));
        assertEquals("line-1", api.get("/teams/acme/pipelines", VIC).expect(200).path("items").get(0).path("name").asText());

        assertEquals("this needs the owner role in team 'acme'",
                api.post("/teams/acme/pipelines", MIA, LINE.replace("line-1", "line-2")).error(403, "forbidden"));
        assertTrue(api.post("/teams/acme/pipelines", OLGA, LINE).error(409, "conflict").contains("already exists"));
        assertEquals("stage 'qa': instance 'qa2' does not exist in team acme", api.post("/teams/acme/pipelines", OLGA,
                LINE.replace("line-1", "line-3").replace("\"instance\":\"qa\"", "\"instance\":\"qa2\"")).error(422, "invalid"));

        JsonNode replaced = api.call("PUT", "/teams/acme/pipelines/line-1", OLGA, LINE.replace("queue", "forbid"))
                .expect(200);
        assertEquals("forbid", replaced.path("concurrency").asText());
        assertEquals(secret, replaced.path("webhook").path("secret").asText(), "the secret survives a replace");
        api.call("DELETE", "/teams/acme/pipelines/line-1", OLGA, null).expect(204);
        assertEquals("pipeline 'line-1' does not exist in team 'acme'",
                api.get("/teams/acme/pipelines/line-1", OLGA).error(404, "not_found"));
    }

    @Test
    void stagesAreInsertedByPositionOrBeforeANameRemovedAndReordered() throws Exception {
        api.post("/teams/acme/pipelines", OLGA, "{\"name\":\"line-1\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"}]}")
                .expect(201);
        assertEquals(List.of("dev", "prod"), names(api.post("/teams/acme/pipelines/line-1/stages", OLGA,
                "{\"name\":\"prod\",\"instance\":\"prod\"}").expect(201)));
        assertEquals(List.of("dev", "qa", "prod"), names(api.post("/teams/acme/pipelines/line-1/stages", OLGA,
                "{\"name\":\"qa\",\"instance\":\"qa\",\"before\":\"prod\"}").expect(201)));
        api.call("DELETE", "/teams/acme/pipelines/line-1/stages/qa", OLGA, null).expect(200);
        assertEquals(List.of("qa", "dev", "prod"), names(api.post("/teams/acme/pipelines/line-1/stages?position=0",
                OLGA, "{\"name\":\"qa\",\"instance\":\"qa\"}").expect(201)));
        assertEquals(List.of("dev", "qa", "prod"), names(api.post("/teams/acme/pipelines/line-1/stages/reorder", OLGA,
                "{\"order\":[\"dev\",\"qa\",\"prod\"]}").expect(200)));
        assertEquals("stage 'nope' does not exist in pipeline 'line-1'", api.post("/teams/acme/pipelines/line-1/stages",
                OLGA, "{\"name\":\"x\",\"instance\":\"dev\",\"before\":\"nope\"}").error(404, "not_found"));
        assertEquals("stage 'again': instance 'dev' is already the target of stage 'dev': a target can appear once in"
                + " a pipeline", api.post("/teams/acme/pipelines/line-1/stages", OLGA,
                "{\"name\":\"again\",\"instance\":\"dev\"}").error(422, "invalid"));
        assertEquals("this needs the owner role in team 'acme'", api.post("/teams/acme/pipelines/line-1/stages/reorder",
                MIA, "{\"order\":[\"qa\",\"dev\",\"prod\"]}").error(403, "forbidden"));
    }

    @Test
    void aDeployMovesTheNextTargetsMainAndRunsAreListedNewestFirst() throws Exception {
        api.post("/teams/acme/pipelines", OLGA, LINE).expect(201);
        ObjectId dev = api.commit("dev", V1);
        JsonNode accepted = api.post("/teams/acme/pipelines/line-1/stages/dev/deploy", MIA, null).expect(202);
        assertEquals("queued", accepted.path("run").path("status").asText());
        JsonNode run = api.awaitRun("line-1", accepted.path("run").path("id").asText());
        assertEquals("succeeded", run.path("status").asText(), run.toString());
        assertEquals(dev.name(), run.path("sourceCommit").asText());
        assertEquals("mia", run.path("actor").asText());
        assertEquals(api.main("qa").name(), run.path("targetAfter").asText());
        assertEquals(V1.with("env.json", "{\n  \"A\": \"\"\n}\n"), api.snapshot("qa", api.main("qa")));
        assertTrue(run.path("log").size() >= 2);

        api.commit("dev", V2);
        String second = api.post("/teams/acme/pipelines/line-1/stages/dev/deploy", OLGA, "{}").expect(202)
                .path("run").path("id").asText();
        api.awaitRun("line-1", second);
        JsonNode page = api.get("/teams/acme/pipelines/line-1/runs?limit=1", VIC).expect(200);
        assertEquals(second, page.path("items").get(0).path("id").asText());
        JsonNode next = api.get("/teams/acme/pipelines/line-1/runs?limit=1&cursor=" + page.path("next").asText(), VIC)
                .expect(200);
        assertEquals(run.path("id").asText(), next.path("items").get(0).path("id").asText());
        assertTrue(next.path("next").isNull());
    }

    @Test
    void rollbackPutsTheTargetBackWithANewCommit() throws Exception {
        api.post("/teams/acme/pipelines", OLGA, LINE).expect(201);
        api.commit("dev", V1);
        JsonNode one = api.awaitRun("line-1", api.post("/teams/acme/pipelines/line-1/stages/dev/deploy", OLGA, null)
                .expect(202).path("run").path("id").asText());
        api.commit("dev", V2);
        JsonNode two = api.awaitRun("line-1", api.post("/teams/acme/pipelines/line-1/stages/dev/deploy", OLGA, null)
                .expect(202).path("run").path("id").asText());
        JsonNode back = api.awaitRun("line-1", api.post("/teams/acme/pipelines/line-1/runs/" + two.path("id").asText()
                + "/rollback", MIA, null).expect(202).path("run").path("id").asText());
        assertEquals("succeeded", back.path("status").asText(), back.toString());
        assertEquals(two.path("id").asText(), back.path("rollbackOf").asText());
        try (Repository repo = api.repos.open(new RepoName("acme", "qa")); RevWalk walk = new RevWalk(repo)) {
            RevCommit head = walk.parseCommit(api.main("qa"));
            assertEquals(two.path("targetAfter").asText(), head.getParent(0).name());
            assertEquals(walk.parseCommit(ObjectId.fromString(one.path("targetAfter").asText())).getTree(), head.getTree());
        }
        assertEquals("run 000099 does not exist in pipeline 'line-1'",
                api.post("/teams/acme/pipelines/line-1/runs/000099/rollback", OLGA, null).error(404, "not_found"));
    }

    @Test
    void refusalsNameTheReason() throws Exception {
        api.post("/teams/acme/pipelines", OLGA, LINE).expect(201);
        api.commit("dev", V1);
        assertEquals("instance 'prod' is protected: only owners deploy into it",
                api.post("/teams/acme/pipelines/line-1/stages/qa/deploy", MIA, null).error(403, "forbidden"));
        assertEquals("viewers cannot run pipelines: deploys and rollbacks need the member role"
                + " (the owner role into protected targets)",
                api.post("/teams/acme/pipelines/line-1/stages/dev/deploy", VIC, null).error(403, "forbidden"));
        assertEquals("stage 'qa' uses prompt_snapshot: name the snapshot to deploy ({\"snapshot\": \"COMMIT-SHA\"})",
                api.post("/teams/acme/pipelines/line-1/stages/qa/deploy", OLGA, null).error(422, "invalid"));
        String devSha = api.main("dev").name();
        assertEquals("snapshot " + devSha + " is not a commit on the main of instance 'qa'",
                api.post("/teams/acme/pipelines/line-1/stages/qa/deploy", OLGA, "{\"snapshot\":\"" + devSha + "\"}")
                        .error(422, "invalid"));
        assertEquals("stage 'nope' does not exist in pipeline 'line-1'",
                api.post("/teams/acme/pipelines/line-1/stages/nope/deploy", OLGA, null).error(404, "not_found"));
        api.post("/users", PipelineApiServer.ADMIN, "{\"name\":\"eve\",\"password\":\"eve-password\"}").expect(201);
        assertEquals("team 'acme' not found", api.post("/teams/acme/pipelines/line-1/stages/dev/deploy",
                PipelineApiServer.basic("eve", "eve-password"), null).error(404, "not_found"));
        assertEquals("unknown field 'snap'",
                api.post("/teams/acme/pipelines/line-1/stages/dev/deploy", OLGA, "{\"snap\":\"x\"}").error(400, "unknown_field"));
    }

    @Test
    void aDeployIntoAProtectedInstanceWaitsForAnOwnersApprovalThroughTheReviewsApi() throws Exception {
        api.post("/teams/acme/pipelines", OLGA, LINE.replace("queue", "forbid")).expect(201);
        api.commit("dev", V1);
        api.awaitRun("line-1", api.post("/teams/acme/pipelines/line-1/stages/dev/deploy", OLGA, null).expect(202)
                .path("run").path("id").asText());
        String qa = api.main("qa").name();
        JsonNode waiting = api.awaitRun("line-1", api.post("/teams/acme/pipelines/line-1/stages/qa/deploy", OLGA,
                "{\"snapshot\":\"" + qa + "\"}").expect(202).path("run").path("id").asText());
        assertEquals("awaiting_approval", waiting.path("status").asText(), waiting.toString());
        assertEquals(null, api.main("prod"));
        assertTrue(api.post("/teams/acme/pipelines/line-1/stages/dev/deploy", OLGA, null).error(409, "conflict")
                .contains("concurrency is forbid"));
        assertEquals("pipeline 'line-1' has runs queued, running or awaiting approval: delete it when they have ended",
                api.call("DELETE", "/teams/acme/pipelines/line-1", OLGA, null).error(409, "conflict"));

        api.post("/teams/acme/reviews/" + waiting.path("reviewId").asLong() + "/approve", OSCAR, null).expect(200);
        JsonNode done = api.awaitRun("line-1", waiting.path("id").asText());
        long end = System.currentTimeMillis() + 10_000;
        while (!done.path("status").asText().equals("succeeded") && System.currentTimeMillis() < end) {
            Thread.sleep(10);
            done = api.awaitRun("line-1", waiting.path("id").asText());
        }
        assertEquals("succeeded", done.path("status").asText(), done.toString());
        assertEquals(api.main("prod").name(), done.path("targetAfter").asText());
    }

    private static List<String> names(JsonNode pipeline) {
        List<String> names = new ArrayList<>();
        pipeline.path("stages").forEach(s -> names.add(s.path("name").asText()));
        return names;
    }

    private int configCommits() throws Exception {
        try (Repository repo = api.repos.open(new RepoName("acme", RepoName.CONFIG)); RevWalk walk = new RevWalk(repo)) {
            walk.markStart(walk.parseCommit(repo.resolve("refs/heads/main")));
            int n = 0;
            for (RevCommit ignored : walk) {
                n++;
            }
            return n;
        }
    }
}
