package dev.flowstage.hooks.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import java.nio.file.Files;
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

class PromoterTest {
    private static final String FLOWS = "[{\"id\":\"t1\",\"type\":\"tab\"},{\"id\":\"m1\",\"type\":\"mqtt-broker\",\"z\":\"t1\"}]";
    private static final Promoter.Trailers TRAILERS = new Promoter.Trailers("line-1", "dev", "000007", "olga");

    @TempDir
    Path dir;
    private PipelineFixture f;
    private Promoter promoter;

    @BeforeEach
    void setUp() throws Exception {
        f = new PipelineFixture(dir);
        promoter = new Promoter(f.repos, f.clock);
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void copiesFlowsPackageAndReadmeKeepsTargetSettingsAndEnvValuesKeysOnly() throws Exception {
        ObjectId source = f.commit("dev", PipelineFixture.flows(FLOWS)
                .with("package.json", "{\"name\":\"dev\",\"dependencies\":{\"node-red-contrib-x\":\"1.0.0\"}}")
                .with("README.md", "# line 1\n")
                .with("settings.json", "{\"editorTheme\":\"dev\"}")
                .with("env.json", "{\"BROKER\":\"dev-broker\",\"NEW_KEY\":\"dev-only\",\"SHARED\":\"dev\"}"), "dev work");
        ObjectId before = f.commit("qa", PipelineFixture.flows("[]")
                .with("settings.json", "{\"editorTheme\":\"qa\"}")
                .with("env.json", "{\"SHARED\":\"qa-value\",\"BROKER\":\"qa-broker\",\"GONE\":\"x\"}")
                .with("README.md", "old"), "qa state");

        Promoter.Candidate c = promoter.promotion("acme", new Promoter.Source("dev", source, null), "qa", null, TRAILERS);
        assertEquals(before, f.main("qa"), "building moves nothing");
        assertTrue(promoter.apply(c, "olga", "test"));
        assertEquals(c.commit(), f.main("qa"));

        Snapshot qa = f.snapshot("qa", c.commit());
        Snapshot dev = f.snapshot("dev", source);
        assertEquals(dev.text("flows.json"), qa.text("flows.json"));
        assertEquals(dev.text("package.json"), qa.text("package.json"));
        assertEquals("# line 1\n", qa.text("README.md").orElseThrow());
        assertEquals("{\"editorTheme\":\"qa\"}", qa.text("settings.json").orElseThrow());
        ObjectNode env = (ObjectNode) PipelineFixture.JSON.readTree(qa.bytes("env.json").orElseThrow());
        assertEquals(List.of("BROKER", "NEW_KEY", "SHARED"), iterate(env));
        assertEquals("qa-broker", env.get("BROKER").asText());
        assertEquals("", env.get("NEW_KEY").asText(), "a new key arrives empty, not with dev's value");
        assertEquals("qa-value", env.get("SHARED").asText());
        assertFalse(env.has("GONE"), "a key gone from the source is removed");
    }

    @Test
    void settingsAreNotCopiedIntoATargetThatHasNoneAndTheFirstPromotionHasNoParent() throws Exception {
        ObjectId source = f.commit("dev", PipelineFixture.flows(FLOWS).with("settings.json", "{}"), "dev");
        Promoter.Candidate c = promoter.promotion("acme", new Promoter.Source("dev", source, null), "qa", null, TRAILERS);
        assertNull(c.base());
        assertTrue(promoter.apply(c, "olga", "test"));
        Snapshot qa = f.snapshot("qa", c.commit());
        assertFalse(qa.has("settings.json"));
        assertFalse(qa.has("env.json"));
        try (Repository repo = f.repos.open(new RepoName("acme", "qa")); RevWalk walk = new RevWalk(repo)) {
            assertEquals(0, walk.parseCommit(c.commit()).getParentCount());
        }
    }

    @Test
    void messageAndTrailersNameSourceRunAndActorAndTheParentIsTargetMain() throws Exception {
        ObjectId source = f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        ObjectId before = f.commit("qa", PipelineFixture.flows("[]"), "qa");
        Promoter.Candidate c = promoter.promotion("acme", new Promoter.Source("dev", source, null), "qa", null, TRAILERS);
        try (Repository repo = f.repos.open(new RepoName("acme", "qa")); RevWalk walk = new RevWalk(repo)) {
            RevCommit commit = walk.parseCommit(c.commit());
            assertEquals("Promote dev@" + source.abbreviate(7).name() + " to qa\n\n"
                    + "Flowstage-Pipeline: line-1\nFlowstage-Stage: dev\n"
                    + "Flowstage-Source: acme/dev@" + source.name() + "\nFlowstage-Run: 000007\nFlowstage-Actor: olga\n",
                    commit.getFullMessage());
            assertEquals(List.of(before), List.of(commit.getParents()).stream().map(ObjectId::toObjectId).toList());
            assertEquals("olga", commit.getAuthorIdent().getName());
            assertEquals("flowstage", commit.getCommitterIdent().getName());
        }
    }

    @Test
    void credentialsAreReEncryptedForTheTargetSecret() throws Exception {
        ObjectNode plain = PipelineFixture.JSON.createObjectNode();
        plain.putObject("m1").put("password", "hunter2");
        byte[] devCred = NodeRedCredentials.encrypt(plain, "dev-secret");
        ObjectId source = f.commit("dev", PipelineFixture.flows(FLOWS).with("flows_cred.json", devCred), "dev");

        Promoter.Candidate c = promoter.promotion("acme", new Promoter.Source("dev", source, "dev-secret"), "qa",
                "qa-secret", TRAILERS);
        byte[] qaCred = f.snapshot("qa", c.commit()).bytes("flows_cred.json").orElseThrow();
        assertEquals(plain, NodeRedCredentials.decrypt(qaCred, "qa-secret"));
        assertThrows(RuntimeException.class, () -> NodeRedCredentials.decrypt(qaCred, "dev-secret"));

        assertTrue(promoter.apply(c, "olga", "test"));
        Promoter.Candidate again = promoter.promotion("acme", new Promoter.Source("dev", source, "dev-secret"), "qa",
                "qa-secret", TRAILERS);
        assertArrayEquals(qaCred, f.snapshot("qa", again.commit()).bytes("flows_cred.json").orElseThrow(),
                "unchanged credentials keep the target's file instead of a new IV each time");
    }

    @Test
    void credentialsAreCopiedAsTheyAreWhenASecretIsUnknown() throws Exception {
        ObjectNode plain = PipelineFixture.JSON.createObjectNode();
        plain.putObject("m1").put("password", "hunter2");
        byte[] devCred = NodeRedCredentials.encrypt(plain, "dev-secret");
        ObjectId source = f.commit("dev", PipelineFixture.flows(FLOWS).with("flows_cred.json", devCred), "dev");
        Promoter.Candidate c = promoter.promotion("acme", new Promoter.Source("dev", source, "dev-secret"), "prod",
                null, TRAILERS);
        assertArrayEquals(devCred, f.snapshot("prod", c.commit()).bytes("flows_cred.json").orElseThrow());
    }

    @Test
    void sourceCredentialsThatTheSourceSecretCannotReadFailWithAClearMessage() throws Exception {
        ObjectNode plain = PipelineFixture.JSON.createObjectNode();
        plain.putObject("m1").put("password", "hunter2");
        ObjectId source = f.commit("dev", PipelineFixture.flows(FLOWS)
                .with("flows_cred.json", NodeRedCredentials.encrypt(plain, "another-secret")), "dev");
        MetaInvalidException e = assertThrows(MetaInvalidException.class, () -> promoter.promotion("acme",
                new Promoter.Source("dev", source, "dev-secret"), "qa", "qa-secret", TRAILERS));
        assertTrue(e.getMessage().startsWith("the source's flows_cred.json cannot be read with its credential secret"),
                e.getMessage());
        assertFalse(e.getMessage().contains("dev-secret"), "secrets never appear in messages");
    }

    @Test
    void aFailedRefUpdateLeavesTheTargetExactlyAsItWas() throws Exception {
        ObjectId source = f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        ObjectId before = f.commit("qa", PipelineFixture.flows("[]"), "qa");
        Promoter.Candidate c = promoter.promotion("acme", new Promoter.Source("dev", source, null), "qa", null, TRAILERS);
        Path lock = f.repos.path(new RepoName("acme", "qa")).resolve("refs/heads/main.lock");
        Files.createDirectories(lock.getParent());
        Files.writeString(lock, "held by another writer");
        assertFalse(promoter.apply(c, "olga", "test"));
        assertEquals(before, f.main("qa"));
        Files.delete(lock);

        ObjectId moved = f.commit("qa", PipelineFixture.flows("[{\"id\":\"x\",\"type\":\"tab\"}]"), "someone pushed");
        assertFalse(promoter.apply(c, "olga", "test"), "main moved since the candidate was built");
        assertEquals(moved, f.main("qa"));
    }

    @Test
    void rollbackRestoresAnEarlierTreeAsANewCommitOnMain() throws Exception {
        ObjectId first = f.commit("qa", PipelineFixture.flows("[]").with("env.json", "{\"A\":\"1\"}"), "first");
        ObjectId second = f.commit("qa", PipelineFixture.flows(FLOWS), "second");
        Promoter.Candidate c = promoter.rollback("acme", "qa", first, "000003",
                new Promoter.Trailers("line-1", "dev", "000004", "olga"));
        assertEquals(second, c.base());
        assertTrue(promoter.apply(c, "olga", "rollback"));
        try (Repository repo = f.repos.open(new RepoName("acme", "qa")); RevWalk walk = new RevWalk(repo)) {
            RevCommit commit = walk.parseCommit(f.main("qa"));
            assertEquals(walk.parseCommit(first).getTree(), commit.getTree());
            assertEquals(second, commit.getParent(0));
            assertTrue(commit.getFullMessage().contains("Flowstage-Rollback-Of: 000003\n"), commit.getFullMessage());
        }
    }

    private static List<String> iterate(ObjectNode n) {
        List<String> keys = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
