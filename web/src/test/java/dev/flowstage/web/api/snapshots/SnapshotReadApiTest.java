package dev.flowstage.web.api.snapshots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing, reading and comparing snapshots through the API, over commits and tags in a real repository. */
class SnapshotReadApiTest {
    @TempDir
    static Path dir;
    static SnapshotApiFixture fx;
    static ObjectId first;
    static ObjectId second;
    static ObjectId third;

    static final String FLOWS_1 = """
            [{"id":"t1","type":"tab","label":"Main"},
             {"id":"n1","type":"inject","z":"t1","x":100,"y":80,"wires":[["n2"]]},
             {"id":"n2","type":"debug","z":"t1","x":300,"y":80,"wires":[]},
             {"id":"mq","type":"mqtt-broker","broker":"localhost"}]
            """;
    static final String FLOWS_2 = FLOWS_1.replace("\"x\":300", "\"x\":320")
            .replace("\"type\":\"debug\"", "\"type\":\"debug\",\"name\":\"out\"");

    @BeforeAll
    static void setUp() throws Exception {
        fx = new SnapshotApiFixture(dir);
        ObjectNode creds = SnapshotApiFixture.JSON.createObjectNode();
        creds.putObject("mq").put("user", "bob").put("password", "hunter2");
        Snapshot s1 = Snapshot.EMPTY.with("flows.json", FLOWS_1)
                .with("flows_cred.json", NodeRedCredentials.encrypt(creds, SnapshotApiFixture.DEV_SECRET))
                .with("package.json", "{\"name\":\"dev\",\"dependencies\":{\"node-red-contrib-x\":\"1.0.0\"}}")
                .with("env.json", "{\"A\":\"1\"}")
                .with("README.md", "hello\n");
        first = fx.seedMain("dev", s1, "First flows\n\nThe very first version.\nTwo lines.\n");
        second = fx.seedMain("dev", s1.with("flows.json", FLOWS_2).with("env.json", "{\"A\":\"1\",\"B\":\"2\"}"),
                "Promoted from staging\n\nBody text.\n\nFlowstage-Source: acme/staging@1234567\nFlowstage-Run: 7\n");
        third = fx.seedMain("dev", s1.with("flows.json", FLOWS_2), "Third\n");
        try (Repository repo = fx.repos.open(new RepoName("acme", "dev")); Git git = new Git(repo)) {
            PersonIdent tagger = new PersonIdent("Tagger", "t@example.test");
            git.tag().setName("release-1").setObjectId(repo.parseCommit(first)).setAnnotated(true)
                    .setMessage("Release one").setTagger(tagger).call();
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        fx.close();
    }

    @Test
    void listIsNewestFirstWithNameDescriptionAuthorAndSource() throws Exception {
        JsonNode page = fx.get("vic", "teams/acme/instances/dev/snapshots").expect(200);
        JsonNode items = page.get("items");
        assertEquals(3, items.size(), page.toString());
        assertEquals(third.name(), items.get(0).get("id").asText());
        assertEquals("Third", items.get(0).get("name").asText());
        assertEquals("", items.get(0).get("description").asText());
        assertFalse(items.get(0).has("source"));

        JsonNode promoted = items.get(1);
        assertEquals(second.name(), promoted.get("id").asText());
        assertEquals("Promoted from staging", promoted.get("name").asText());
        assertEquals("Body text.", promoted.get("description").asText());
        assertEquals("acme/staging@1234567", promoted.get("source").asText());
        assertEquals("Seed Author", promoted.get("author").asText());
        assertTrue(promoted.get("createdAt").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), promoted.toString());

        JsonNode tagged = items.get(2);
        assertEquals(first.name(), tagged.get("id").asText());
        assertEquals("release-1", tagged.get("name").asText(), "an annotated tag names the snapshot");
        assertEquals("Release one", tagged.get("description").asText());
        assertEquals("[\"release-1\"]", tagged.get("tags").toString());
        assertTrue(page.get("next").isNull());
    }

    @Test
    void listPagesWithACursor() throws Exception {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = fx.get("mia", "teams/acme/instances/dev/snapshots?limit=2"
                    + (cursor == null ? "" : "&cursor=" + cursor)).expect(200);
            page.get("items").forEach(i -> ids.add(i.get("id").asText()));
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
        } while (cursor != null);
        assertEquals(List.of(third.name(), second.name(), first.name()), ids);
        assertTrue(fx.get("mia", "teams/acme/instances/dev/snapshots?cursor=bogus!")
                .error(400, "invalid_cursor").contains("cursor"));
        fx.get("mia", "teams/acme/instances/dev/snapshots?limit=0").error(400, "invalid_limit");
    }

    @Test
    void emptyTargetHasNoSnapshots() throws Exception {
        JsonNode page = fx.get("vic", "teams/acme/groups/g1/snapshots").expect(200);
        assertEquals(0, page.get("items").size());
    }

    @Test
    void getShowsFilesButNeverCredentialValues() throws Exception {
        SnapshotApiFixture.Reply r = fx.get("vic", "teams/acme/instances/dev/snapshots/" + first.name());
        JsonNode s = r.expect(200);
        assertEquals(first.name(), s.get("id").asText());
        assertEquals("release-1", s.get("name").asText());
        assertTrue(s.get("files").get("flows.json").isArray());
        assertEquals(4, s.get("files").get("flows.json").size());
        assertEquals("1.0.0", s.get("files").get("package.json").get("dependencies").get("node-red-contrib-x").asText());
        assertEquals("hello\n", s.get("files").get("README.md").asText());
        assertFalse(s.get("files").has("flows_cred.json"));
        assertTrue(s.get("credentials").get("encrypted").asBoolean());
        assertEquals("[\"mq\"]", s.get("credentials").get("nodes").toString());
        assertFalse(r.text().contains("hunter2"), r.text());
        assertFalse(r.text().contains("bob"), r.text());
    }

    @Test
    void getByAbbreviatedIdAndByTagName() throws Exception {
        assertEquals(second.name(), fx.get("vic", "teams/acme/instances/dev/snapshots/" + second.name().substring(0, 10))
                .expect(200).get("id").asText());
        assertEquals(first.name(), fx.get("vic", "teams/acme/instances/dev/snapshots/release-1")
                .expect(200).get("id").asText());
    }

    @Test
    void unknownSnapshotTargetAndTeamAnswer404() throws Exception {
        assertTrue(fx.get("vic", "teams/acme/instances/dev/snapshots/" + "0".repeat(40))
                .error(404, "not_found").contains("not found"));
        fx.get("vic", "teams/acme/instances/dev/snapshots/no-such-tag").error(404, "not_found");
        fx.get("vic", "teams/acme/instances/nope/snapshots").error(404, "not_found");
        fx.get("vic", "teams/acme/groups/dev/snapshots").error(404, "not_found");
        fx.get("mallory", "teams/acme/instances/dev/snapshots").error(404, "not_found");
        fx.get("mallory", "teams/acme/instances/dev/compare?from=" + first.name() + "&to=" + second.name())
                .error(404, "not_found");
        fx.get(null, "teams/acme/instances/dev/snapshots").expect(401);
    }

    @Test
    void compareDescribesNodeEnvChanges() throws Exception {
        JsonNode diff = fx.get("vic", "teams/acme/instances/dev/compare?from=" + first.name() + "&to=" + second.name())
                .expect(200);
        assertEquals(1, diff.get("counts").get("changed").asInt(), diff.toString());
        JsonNode node = diff.get("groups").get(0).get("nodes").get(0);
        assertEquals("n2", node.get("id").asText(), diff.toString());
        assertTrue(node.get("properties").toString().contains("name"), diff.toString());
        assertEquals("[\"B\"]", diff.get("env").get("added").toString());

        JsonNode none = fx.get("vic", "teams/acme/instances/dev/compare?from=" + second.name() + "&to="
                + second.name()).expect(200);
        assertEquals(0, none.get("groups").size());
    }

    @Test
    void compareRefusesMalformedAndUnknownCommits() throws Exception {
        String base = "teams/acme/instances/dev/compare?from=";
        assertTrue(fx.get("vic", base + "main&to=" + second.name()).error(422, "invalid_sha").contains("'from'"));
        assertTrue(fx.get("vic", base + first.name() + "&to=xyz").error(422, "invalid_sha").contains("'to'"));
        assertTrue(fx.get("vic", base + first.name()).error(422, "missing_parameter").contains("'to'"));
        assertTrue(fx.get("vic", base + "abcdef1234567890abcdef1234567890abcdef12&to=" + second.name())
                .error(404, "not_found").contains("abcdef1234567890abcdef1234567890abcdef12"));
    }
}
