package dev.flowstage.web.api.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotReader;
import dev.flowstage.storage.snapshot.testing.NodeRedRunner;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of and deployments to a real Node-RED (installed from npm, started once for the class) whose
 * Admin API is open: instance {@code dev} is linked to it. The tests run in order: each builds on the flows
 * the previous one left running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveNodeRedApiTest {
    @TempDir
    static Path dir;
    static SnapshotApiFixture fx;
    static NodeRedRunner nodeRed;
    static URI base;

    static final String RUNNING_FLOWS = """
            [{"id":"t1","type":"tab","label":"Live"},
             {"id":"in1","type":"inject","z":"t1","name":"tick","props":[{"p":"payload"}],"payload":"1",
              "payloadType":"num","repeat":"","once":false,"topic":"","x":120,"y":80,"wires":[["dbg1"]]},
             {"id":"dbg1","type":"debug","z":"t1","name":"out","active":true,"complete":"false","x":320,"y":80,
              "wires":[]}]
            """;

    @BeforeAll
    static void setUp() throws Exception {
        nodeRed = NodeRedRunner.start(dir.resolve("node-red"), "\"node-red-own-secret\"");
        base = nodeRed.base();
        fx = new SnapshotApiFixture(dir.resolve("server"));
        fx.linkNodeRed("dev", base.toString(), null);
        ObjectNode creds = SnapshotApiFixture.JSON.createObjectNode();
        creds.putObject("old-node").put("password", "kept");
        fx.seedMain("dev", Snapshot.EMPTY.with("flows.json", "[]")
                .with("flows_cred.json", NodeRedCredentials.encrypt(creds, SnapshotApiFixture.DEV_SECRET))
                .with("package.json", "{\"name\":\"dev\",\"dependencies\":{}}")
                .with("README.md", "live\n"), "Empty start\n");
        int deployed = nodeRed.deploy(RUNNING_FLOWS).statusCode();
        assertTrue(deployed == 200 || deployed == 204, "deploying the running flows answered " + deployed);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (fx != null) {
            fx.close();
        }
        if (nodeRed != null) {
            nodeRed.close();
        }
    }

    @Test
    @Order(1)
    void snapshotOfLiveFlowsCommitsThemAndKeepsTheOtherFiles() throws Exception {
        ObjectId before = fx.ref("dev", "refs/heads/main");
        JsonNode created = fx.post("mia", "teams/acme/instances/dev/snapshots",
                "{\"name\":\"live-1\",\"description\":\"What runs now\"}").expect(201);
        ObjectId main = fx.ref("dev", "refs/heads/main");
        assertNotEquals(before, main, "a new commit on main");
        assertEquals(main.name(), created.get("id").asText());
        assertEquals("live-1", created.get("name").asText());
        assertEquals("What runs now", created.get("description").asText());
        assertNotNull(fx.ref("dev", "refs/tags/live-1"));
        try (Repository repo = fx.repos.open(new RepoName("acme", "dev"))) {
            Snapshot s = SnapshotReader.read(repo, main);
            JsonNode flows = SnapshotApiFixture.JSON.readTree(s.bytes("flows.json").orElseThrow());
            assertEquals(3, flows.size(), flows.toString());
            assertEquals("dbg1", flows.get(2).get("id").asText());
            assertEquals("kept", NodeRedCredentials.decrypt(s.bytes("flows_cred.json").orElseThrow(),
                    SnapshotApiFixture.DEV_SECRET).get("old-node").get("password").asText(),
                    "Node-RED returns no credentials: the previous flows_cred.json is kept");
            assertEquals("live\n", s.text("README.md").orElseThrow());
        }
        JsonNode status = fx.get("vic", "teams/acme/instances/dev/status").expect(200);
        assertEquals("ok", status.get("state").asText(), status.toString());
        assertEquals("capture", status.get("operation").asText());
        assertEquals(main.name(), status.get("deployedCommit").asText());
    }

    @Test
    @Order(2)
    void unchangedLiveFlowsMakeNoCommitButATag() throws Exception {
        ObjectId main = fx.ref("dev", "refs/heads/main");
        JsonNode created = fx.post("mia", "teams/acme/instances/dev/snapshots", "{\"name\":\"live-2\"}").expect(201);
        assertEquals(main, fx.ref("dev", "refs/heads/main"));
        assertEquals(main.name(), created.get("id").asText());
        assertEquals("live-2", created.get("name").asText());
        assertNotNull(fx.ref("dev", "refs/tags/live-2"));
    }

    @Test
    @Order(3)
    void importDeploysToNodeRedWithCredentials() throws Exception {
        String snapshot = """
                {"name":"With broker","description":"adds an MQTT broker with credentials",
                 "flows":{"flows":[
                   {"id":"t1","type":"tab","label":"Live"},
                   {"id":"mq1","type":"mqtt-broker","name":"broker","broker":"127.0.0.1","port":"1","clientid":"",
                    "autoConnect":false,"usetls":false,"protocolVersion":"4","keepalive":"60","cleansession":true},
                   {"id":"dbg2","type":"debug","z":"t1","name":"second","active":true,"complete":"false","x":320,
                    "y":160,"wires":[]}],
                  "credentials":%s},
                 "settings":{"settings":{},"env":{},"modules":{}}}
                """;
        ObjectNode creds = SnapshotApiFixture.JSON.createObjectNode();
        creds.putObject("mq1").put("user", "bob").put("password", "hunter2");
        String encrypted = new String(NodeRedCredentials.encrypt(creds, "transfer"));
        JsonNode created = fx.post("mia", "teams/acme/instances/dev/snapshots/import",
                "{\"secret\":\"transfer\",\"snapshot\":" + snapshot.formatted(encrypted) + "}").expect(201);
        String commit = created.get("id").asText();
        LiveNodeRed.await("Node-RED to run the imported flows", () -> LiveNodeRed.runsNode(base, null, "dbg2"),
                () -> LiveNodeRed.get(base, "/flows", null));
        JsonNode cred = LiveNodeRed.get(base, "/credentials/mqtt-broker/mq1", null);
        assertEquals("bob", cred.get("user").asText(), cred.toString());
        assertTrue(cred.get("has_password").asBoolean(), cred.toString());
        assertFalse(LiveNodeRed.runsNode(base, null, "in1"), "a full deployment replaces the flows");
        LiveNodeRed.await("the status to show the deployment",
                () -> commit.equals(fx.get("vic", "teams/acme/instances/dev/status").json().path("deployedCommit").asText()),
                () -> fx.get("vic", "teams/acme/instances/dev/status").text());
        JsonNode status = fx.get("vic", "teams/acme/instances/dev/status").expect(200);
        assertEquals("ok", status.get("state").asText());
        assertEquals("deploy", status.get("operation").asText());
        assertEquals(commit, status.get("commit").asText());
    }

    @Test
    @Order(4)
    void pushToMainDeploysToNodeRed() throws Exception {
        Path work = Files.createDirectories(dir.resolve("clone"));
        UsernamePasswordCredentialsProvider login = new UsernamePasswordCredentialsProvider("mia", fx.tokens.get("mia"));
        try (Git git = Git.cloneRepository().setURI(fx.base + "/git/acme/dev.git").setDirectory(work.toFile())
                .setCredentialsProvider(login).call()) {
            JsonNode flows = SnapshotApiFixture.JSON.readTree(work.resolve("flows.json").toFile());
            ObjectNode added = ((com.fasterxml.jackson.databind.node.ArrayNode) flows).addObject();
            added.put("id", "pushed1").put("type", "comment").put("z", "t1").put("name", "from git")
                    .put("x", 100).put("y", 240).putArray("wires");
            Files.writeString(work.resolve("flows.json"), SnapshotApiFixture.JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(flows));
            git.add().addFilepattern("flows.json").call();
            git.commit().setMessage("Add a comment node").setAuthor("Mia", "mia@example.test")
                    .setCommitter("Mia", "mia@example.test").call();
            git.push().setCredentialsProvider(login).call();
        }
        ObjectId main = fx.ref("dev", "refs/heads/main");
        LiveNodeRed.await("Node-RED to run the pushed flows", () -> LiveNodeRed.runsNode(base, null, "pushed1"),
                () -> LiveNodeRed.get(base, "/flows", null));
        LiveNodeRed.await("the status to name the pushed commit",
                () -> main.name().equals(fx.get("vic", "teams/acme/instances/dev/status").json().path("deployedCommit").asText()),
                () -> fx.get("vic", "teams/acme/instances/dev/status").text());
        // the credentials of the earlier import are still there: they live in flows_cred.json on main
        assertTrue(LiveNodeRed.get(base, "/credentials/mqtt-broker/mq1", null).get("has_password").asBoolean());
        // what Node-RED now runs is main: a snapshot of it makes no new commit
        fx.post("mia", "teams/acme/instances/dev/snapshots", "{\"name\":\"after-push\"}").expect(201);
        assertEquals(main, fx.ref("dev", "refs/heads/main"));
    }

    @Test
    @Order(5)
    void nodeRedDownRefusesTheSnapshotAndTheStatusSaysWhy() throws Exception {
        fx.teams.edit("acme", "olga", "add down", c -> c.withTarget("down", new Target(TargetKind.INSTANCE, "down",
                "app", false, null, fx.secrets.seal("s"), null, null, Instant.EPOCH)));
        fx.repos.create(new RepoName("acme", "down")).close();
        int port = LiveNodeRed.closedPort();
        fx.linkNodeRed("down", "http://127.0.0.1:" + port + "/", null);
        String message = fx.post("mia", "teams/acme/instances/down/snapshots", "{\"name\":\"s1\"}")
                .error(502, "node_red_unreachable");
        assertTrue(message.contains("127.0.0.1:" + port) && message.contains("not reachable"), message);
        assertTrue(message.contains("no snapshot was taken"), message);
        assertEquals(null, fx.ref("down", "refs/heads/main"));
        assertEquals(null, fx.ref("down", "refs/tags/s1"));
        JsonNode status = fx.get("vic", "teams/acme/instances/down/status").expect(200);
        assertEquals("error", status.get("state").asText());
        assertTrue(status.get("message").asText().contains("not reachable"), status.toString());

        // a deployment to it fails the same way, recorded in the status; main keeps the import
        JsonNode created = fx.post("mia", "teams/acme/instances/down/snapshots/import",
                "{\"snapshot\":{\"name\":\"first\",\"flows\":{\"flows\":[{\"id\":\"a\",\"type\":\"tab\"}]}}}")
                .expect(201);
        String commit = created.get("id").asText();
        LiveNodeRed.await("the status to show the failed deployment",
                () -> commit.equals(fx.get("vic", "teams/acme/instances/down/status").json().path("commit").asText()),
                () -> fx.get("vic", "teams/acme/instances/down/status").text());
        JsonNode failed = fx.get("vic", "teams/acme/instances/down/status").expect(200);
        assertEquals("error", failed.get("state").asText());
        assertEquals("deploy", failed.get("operation").asText());
        assertTrue(failed.get("message").asText().startsWith("deployment failed: Node-RED at http://127.0.0.1:" + port),
                failed.toString());
        assertTrue(failed.path("deployedCommit").isMissingNode(), "nothing was ever deployed: " + failed);
        assertEquals(commit, fx.ref("down", "refs/heads/main").name());
    }

    @Test
    @Order(6)
    void aProtectedInstanceIsOnlyTaggedNeverCommitted() throws Exception {
        fx.linkNodeRed("prod", base.toString(), null);
        ObjectId prodMain = fx.seedMain("prod", Snapshot.EMPTY.with("flows.json", "[]"), "Prod\n");
        String message = fx.post("olga", "teams/acme/instances/prod/snapshots", "{\"name\":\"drift\"}")
                .error(409, "conflict");
        assertTrue(message.contains("protected") && message.contains("differ from main"), message);
        assertEquals(prodMain, fx.ref("prod", "refs/heads/main"));
        assertEquals(null, fx.ref("prod", "refs/tags/drift"));
    }

    @Test
    @Order(7)
    void anApprovedReviewDeploysToNodeRed() throws Exception {
        Path work = Files.createDirectories(dir.resolve("review-clone"));
        UsernamePasswordCredentialsProvider login = new UsernamePasswordCredentialsProvider("mia", fx.tokens.get("mia"));
        try (Git git = Git.cloneRepository().setURI(fx.base + "/git/acme/prod.git").setDirectory(work.toFile())
                .setCredentialsProvider(login).call()) {
            Files.writeString(work.resolve("flows.json"),
                    "[{\"id\":\"rt\",\"type\":\"tab\",\"label\":\"Reviewed\"},"
                            + "{\"id\":\"reviewed1\",\"type\":\"comment\",\"z\":\"rt\",\"name\":\"ok\",\"wires\":[]}]");
            git.add().addFilepattern("flows.json").call();
            git.commit().setMessage("Reviewed change").setAuthor("Mia", "mia@example.test")
                    .setCommitter("Mia", "mia@example.test").call();
            git.push().setRefSpecs(new org.eclipse.jgit.transport.RefSpec("HEAD:refs/for/main"))
                    .setCredentialsProvider(login).call();
        }
        JsonNode open = fx.get("vic", "teams/acme/reviews?state=open").expect(200);
        assertEquals(1, open.get("items").size(), open.toString());
        String id = open.get("items").get(0).get("id").asText();
        assertFalse(LiveNodeRed.runsNode(base, null, "reviewed1"));
        fx.post("olga", "teams/acme/reviews/" + id + "/approve", null).expect(200);
        LiveNodeRed.await("Node-RED to run the approved change", () -> LiveNodeRed.runsNode(base, null, "reviewed1"),
                () -> LiveNodeRed.get(base, "/flows", null));
        ObjectId main = fx.ref("prod", "refs/heads/main");
        LiveNodeRed.await("prod's status to name it",
                () -> main.name().equals(fx.get("vic", "teams/acme/instances/prod/status").json().path("deployedCommit").asText()),
                () -> fx.get("vic", "teams/acme/instances/prod/status").text());
    }
}
