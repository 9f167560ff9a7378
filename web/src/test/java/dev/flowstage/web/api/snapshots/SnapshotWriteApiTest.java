package dev.flowstage.web.api.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotReader;
import java.nio.file.Path;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Creating (by tag), exporting and importing snapshots through the API, without a live Node-RED. */
class SnapshotWriteApiTest {
    @TempDir
    static Path dir;
    static SnapshotApiFixture fx;
    static ObjectId seeded;

    static final String FLOWS = """
            [{"id":"t1","type":"tab","label":"Main"},
             {"id":"mq","type":"mqtt-broker","broker":"localhost"},
             {"id":"n1","type":"mqtt in","z":"t1","broker":"mq","topic":"a","x":100,"y":80,"wires":[[]]}]
            """;

    @BeforeAll
    static void setUp() throws Exception {
        fx = new SnapshotApiFixture(dir);
        ObjectNode creds = SnapshotApiFixture.JSON.createObjectNode();
        creds.putObject("mq").put("user", "bob").put("password", "hunter2");
        seeded = fx.seedMain("dev", Snapshot.EMPTY.with("flows.json", FLOWS)
                .with("flows_cred.json", NodeRedCredentials.encrypt(creds, SnapshotApiFixture.DEV_SECRET))
                .with("package.json", "{\"name\":\"dev\",\"dependencies\":{\"node-red-contrib-x\":\"1.2.3\"}}")
                .with("settings.json", "{\"editor\":{\"theme\":\"dark\"}}")
                .with("env.json", "{\"HOST\":\"example\"}")
                .with("README.md", "dev instance\n"), "Seed\n");
        fx.seedMain("prod", Snapshot.EMPTY.with("flows.json", "[]"), "Empty prod\n");
    }

    @AfterAll
    static void tearDown() throws Exception {
        fx.close();
    }

    @Test
    void createWithoutNodeRedTagsMain() throws Exception {
        JsonNode created = fx.post("mia", "teams/acme/instances/dev/snapshots",
                "{\"name\":\"before-upgrade\",\"description\":\"Known good\"}").expect(201);
        assertEquals(seeded.name(), created.get("id").asText());
        assertEquals("before-upgrade", created.get("name").asText());
        assertEquals("Known good", created.get("description").asText());
        assertEquals(seeded, fx.ref("dev", "refs/heads/main"), "no new commit");
        assertTrue(fx.ref("dev", "refs/tags/before-upgrade") != null);
        assertEquals("before-upgrade", fx.get("vic", "teams/acme/instances/dev/snapshots").expect(200)
                .get("items").get(0).get("name").asText());
        // the same name again on the same commit is fine; the name is taken once main moves on
        fx.post("mia", "teams/acme/instances/dev/snapshots", "{\"name\":\"before-upgrade\"}").expect(201);
    }

    @Test
    void createRefusesBadNamesViewersAndEmptyTargets() throws Exception {
        assertTrue(fx.post("mia", "teams/acme/instances/dev/snapshots", "{\"name\":\"has space\"}")
                .error(422, "invalid_snapshot_name").contains("Git tag"));
        fx.post("mia", "teams/acme/instances/dev/snapshots", "{\"description\":\"x\"}").error(422, "missing_field");
        fx.post("mia", "teams/acme/instances/dev/snapshots", null).error(400, "missing_body");
        fx.post("vic", "teams/acme/instances/dev/snapshots", "{\"name\":\"v1\"}").error(403, "forbidden");
        fx.post("mallory", "teams/acme/instances/dev/snapshots", "{\"name\":\"v1\"}").error(404, "not_found");
        assertTrue(fx.post("mia", "teams/acme/groups/g1/snapshots", "{\"name\":\"v1\"}")
                .error(409, "conflict").contains("no commits"));
    }

    @Test
    void exportReencryptsCredentialsUnderTheCallersSecret() throws Exception {
        SnapshotApiFixture.Reply r = fx.post("mia", "teams/acme/instances/dev/snapshots/" + seeded.name() + "/export",
                "{\"secret\":\"export-secret\"}");
        JsonNode export = r.expect(200);
        assertEquals("Seed", export.get("name").asText());
        assertEquals(3, export.get("flows").get("flows").size());
        assertEquals("dark", export.get("settings").get("settings").get("editor").get("theme").asText());
        assertEquals("example", export.get("settings").get("env").get("HOST").asText());
        assertEquals("1.2.3", export.get("settings").get("modules").get("node-red-contrib-x").asText());
        assertFalse(r.text().contains("hunter2"));
        byte[] credentials = SnapshotApiFixture.JSON.writeValueAsBytes(export.get("flows").get("credentials"));
        assertEquals("hunter2", NodeRedCredentials.decrypt(credentials, "export-secret")
                .get("mq").get("password").asText());

        JsonNode byQuery = fx.get("mia", "teams/acme/instances/dev/snapshots/" + seeded.name()
                + "/export?secret=other").expect(200);
        byte[] c2 = SnapshotApiFixture.JSON.writeValueAsBytes(byQuery.get("flows").get("credentials"));
        assertEquals("bob", NodeRedCredentials.decrypt(c2, "other").get("mq").get("user").asText());
    }

    @Test
    void exportNeedsASecretAndMoreThanAViewer() throws Exception {
        String path = "teams/acme/instances/dev/snapshots/" + seeded.name() + "/export";
        assertTrue(fx.post("mia", path, "{}").error(422, "missing_field").contains("secret"));
        fx.post("vic", path, "{\"secret\":\"s\"}").error(403, "forbidden");
        fx.post("mallory", path, "{\"secret\":\"s\"}").error(404, "not_found");
    }

    @Test
    void importRoundTripReencryptsForTheInstanceAndMovesMain() throws Exception {
        JsonNode export = fx.post("mia", "teams/acme/instances/dev/snapshots/" + seeded.name() + "/export",
                "{\"secret\":\"transfer\"}").expect(200);
        ((ObjectNode) export).put("name", "Imported copy");
        ((ObjectNode) export).put("description", "From the export");
        ((ObjectNode) export.get("settings").get("env")).put("NEW", "1");
        ObjectId before = fx.ref("dev", "refs/heads/main");
        JsonNode created = fx.post("mia", "teams/acme/instances/dev/snapshots/import",
                "{\"secret\":\"transfer\",\"snapshot\":" + export + "}").expect(201);
        assertEquals("Imported copy", created.get("name").asText());
        assertEquals("From the export", created.get("description").asText());
        ObjectId after = fx.ref("dev", "refs/heads/main");
        assertNotEquals(before, after);
        assertEquals(after.name(), created.get("id").asText());
        try (Repository repo = fx.repos.open(new RepoName("acme", "dev"))) {
            Snapshot s = SnapshotReader.read(repo, after);
            assertEquals("hunter2", NodeRedCredentials.decrypt(s.bytes("flows_cred.json").orElseThrow(),
                    SnapshotApiFixture.DEV_SECRET).get("mq").get("password").asText());
            assertTrue(s.text("env.json").orElseThrow().contains("\"NEW\": \"1\""), s.text("env.json").orElseThrow());
            assertEquals("dev instance\n", s.text("README.md").orElseThrow(), "README.md is kept");
            assertTrue(s.text("package.json").orElseThrow().contains("node-red-contrib-x"));
        }
    }

    @Test
    void importWithAWrongSecretWritesNothing() throws Exception {
        JsonNode export = fx.post("mia", "teams/acme/instances/dev/snapshots/" + seeded.name() + "/export",
                "{\"secret\":\"right\"}").expect(200);
        ObjectId before = fx.ref("dev", "refs/heads/main");
        String message = fx.post("mia", "teams/acme/instances/dev/snapshots/import",
                "{\"secret\":\"wrong\",\"snapshot\":" + export + "}").error(422, "invalid_secret");
        assertTrue(message.contains("nothing was imported"), message);
        assertTrue(fx.post("mia", "teams/acme/instances/dev/snapshots/import", "{\"snapshot\":" + export + "}")
                .error(422, "missing_field").contains("secret"));
        assertEquals(before, fx.ref("dev", "refs/heads/main"));
    }

    @Test
    void importRefusesInvalidFlowsWithTheProblems() throws Exception {
        ObjectId before = fx.ref("dev", "refs/heads/main");
        String dup = "{\"snapshot\":{\"name\":\"bad\",\"flows\":{\"flows\":[{\"id\":\"a\",\"type\":\"tab\"},"
                + "{\"id\":\"a\",\"type\":\"inject\"}]}}}";
        assertTrue(fx.post("mia", "teams/acme/instances/dev/snapshots/import", dup)
                .error(422, "invalid_snapshot").contains("duplicate id \"a\""));
        String notArray = "{\"snapshot\":{\"name\":\"bad\",\"flows\":{\"flows\":{}}}}";
        assertTrue(fx.post("mia", "teams/acme/instances/dev/snapshots/import", notArray)
                .error(422, "invalid_snapshot").contains("array"));
        String badEnv = "{\"snapshot\":{\"flows\":{\"flows\":[]},\"settings\":{\"env\":{\"N\":1}}}}";
        assertTrue(fx.post("mia", "teams/acme/instances/dev/snapshots/import", badEnv)
                .error(422, "invalid_snapshot").contains("env.json"));
        assertEquals(before, fx.ref("dev", "refs/heads/main"));
    }

    @Test
    void importRefusesProtectedInstancesDevicesGroupsAndViewers() throws Exception {
        String body = "{\"snapshot\":{\"name\":\"x\",\"flows\":{\"flows\":[]}}}";
        ObjectId prod = fx.ref("prod", "refs/heads/main");
        assertTrue(fx.post("olga", "teams/acme/instances/prod/snapshots/import", body)
                .error(403, "protected").contains("pipeline promotions and approved reviews"));
        assertEquals(prod, fx.ref("prod", "refs/heads/main"));
        assertTrue(fx.post("olga", "teams/acme/devices/pi-1/snapshots/import", body)
                .error(403, "forbidden").contains("pipeline"));
        fx.post("olga", "teams/acme/groups/g1/snapshots/import", body).error(403, "forbidden");
        fx.post("vic", "teams/acme/instances/dev/snapshots/import", body).error(403, "forbidden");
        fx.post("mallory", "teams/acme/instances/dev/snapshots/import", body).error(404, "not_found");
    }

    @Test
    void importOfCredentialsIntoAnInstanceWithoutSecretIsRefused() throws Exception {
        fx.teams.edit("acme", "olga", "add", c -> c.withTarget("nosecret", new dev.flowstage.storage.meta.Target(
                dev.flowstage.storage.meta.TargetKind.INSTANCE, "nosecret", "app", false, null, null, null, null,
                java.time.Instant.EPOCH)));
        fx.repos.create(new RepoName("acme", "nosecret")).close();
        JsonNode export = fx.post("mia", "teams/acme/instances/dev/snapshots/" + seeded.name() + "/export",
                "{\"secret\":\"k\"}").expect(200);
        assertTrue(fx.post("mia", "teams/acme/instances/nosecret/snapshots/import",
                "{\"secret\":\"k\",\"snapshot\":" + export + "}").error(422, "no_credential_secret")
                .contains("credentialSecret"));
        assertEquals(null, fx.ref("nosecret", "refs/heads/main"));
    }
}
