package dev.flowstage.hooks.upstream;

import dev.flowstage.hooks.remote.testing.Cli;
import dev.flowstage.hooks.remote.testing.GitRemote;
import dev.flowstage.hooks.remote.testing.LighttpdGitRemote;
import dev.flowstage.hooks.remote.testing.SshdGitRemote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.review.ReviewState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull-mode sync against a real Git server, written once and run per transport (HTTPS through lighttpd and
 * git http-backend, SSH through OpenSSH's sshd): see the subclasses.
 */
abstract class UpstreamSyncContract {
    static final String FLOWS = "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Line\"},"
            + "{\"id\":\"n1\",\"type\":\"inject\",\"z\":\"t1\"},{\"id\":\"n2\",\"type\":\"ui_button\",\"z\":\"t1\"}]";

    @TempDir
    Path tmp;
    GitRemote remote;
    UpstreamFixture f;

    abstract GitRemote start(Path dir) throws Exception;

    @BeforeEach
    void up() throws Exception {
        remote = start(tmp.resolve("remote"));
        f = new UpstreamFixture(tmp.resolve("data"), Duration.ofSeconds(10));
        remote.create("flows");
        remote.secrets().forEach((path, value) -> f.secrets.put(UpstreamFixture.TEAM, "olga", path, value));
    }

    @AfterEach
    void down() throws Exception {
        f.close();
        remote.close();
    }

    void follow(String instance, String branch, String path) {
        f.store.put(UpstreamFixture.TEAM, "olga", instance, UpstreamFixture.json("{\"url\": \"" + remote.url("flows")
                + "\", \"protocol\": \"" + remote.protocol() + "\", \"branch\": \"" + branch + "\","
                + (path == null ? "" : " \"path\": \"" + path + "\",") + " \"intervalSeconds\": 120, " + remote.authJson() + "}"));
        f.store.setActive(UpstreamFixture.TEAM, "olga", instance, true);
    }

    @Test
    void aRemoteProjectBecomesTheInstancesMainAndAnIdleSyncChangesNothing() throws Exception {
        String sha = remote.commit("flows", "main", Map.of("flows.json", FLOWS,
                "package.json", "{\"name\":\"line\",\"dependencies\":{}}"), "First flows");
        follow("line", "main", null);

        UpstreamStatus st = f.sync.run(UpstreamFixture.TEAM, "line");

        assertEquals(UpstreamState.IN_SYNC, st.state(), String.valueOf(st.error()));
        assertEquals(sha, st.lastApplied());
        assertEquals(sha, st.remote().hash());
        assertEquals("Rita Remote", st.remote().author());
        assertEquals("First flows", st.remote().message());
        assertEquals(FLOWS, new String(f.snapshot("line").bytes("flows.json").orElseThrow(), StandardCharsets.UTF_8));
        String message = f.message("line");
        assertTrue(message.contains("Flowstage-Source: " + remote.url("flows") + "@" + sha), message);
        assertEquals(1, f.moved.size(), "main moved once: " + f.moved);
        assertEquals(f.main("line").name(), st.appliedAs());
        assertTrue(f.states("line").contains("syncing"));
        assertEquals("in_sync", f.states("line").get(f.states("line").size() - 1), "the last event: " + f.states("line"));

        UpstreamStatus idle = f.sync.run(UpstreamFixture.TEAM, "line");
        assertEquals(UpstreamState.IN_SYNC, idle.state());
        assertEquals(1, f.moved.size(), "no second commit for an unchanged remote");

        String second = remote.commit("flows", "main", Map.of("flows.json", FLOWS.replace("Line", "Line 2")), "Rename tab");
        UpstreamStatus after = f.sync.run(UpstreamFixture.TEAM, "line");
        assertEquals(second, after.lastApplied());
        assertEquals(2, f.moved.size());
        assertTrue(new String(f.snapshot("line").bytes("flows.json").orElseThrow(), StandardCharsets.UTF_8)
                .contains("Line 2"));
    }

    @Test
    void aFlowFuseSnapshotFileInAFolderIsRead() throws Exception {
        String file = "{\n    \"name\": \"Line\",\n    \"flows\": {\n        \"flows\": " + FLOWS
                + ",\n        \"credentials\": {}\n    },\n    \"settings\": {\n        \"env\": {\"LINE\": \"1\"},\n"
                + "        \"modules\": {\"node-red-dashboard\": \"3.6.5\"}\n    }\n}\n";
        remote.commit("flows", "release", Map.of("snapshots/line.json", file), "Snapshot from FlowFuse");
        follow("line", "release", "snapshots/line.json");

        UpstreamStatus st = f.sync.run(UpstreamFixture.TEAM, "line");

        assertEquals(UpstreamState.IN_SYNC, st.state(), String.valueOf(st.error()));
        var snap = f.snapshot("line");
        assertTrue(snap.text("env.json").orElseThrow().contains("\"LINE\""));
        assertTrue(snap.text("package.json").orElseThrow().contains("node-red-dashboard"));
        assertTrue(snap.text("flows.json").orElseThrow().contains("ui_button"));
    }

    @Test
    void aFileThatIsNotASnapshotIsNamedWithLineAndNothingChanges() throws Exception {
        String broken = remote.commit("flows", "main",
                Map.of("flows.json", "[\n  {\"id\": \"a\", \"type\": \"inject\"}\n  {\"id\": \"b\"}\n]\n"), "Broken");
        follow("line", "main", null);

        UpstreamStatus st = f.sync.run(UpstreamFixture.TEAM, "line");

        assertEquals(UpstreamState.ERROR, st.state());
        assertTrue(st.error().startsWith("not a snapshot: flows.json: line 3, column 3"), st.error());
        assertEquals(broken, st.lastAttempted(), "the revision tried is the status's last attempted");
        assertNull(st.lastApplied());
        assertNull(f.main("line"), "nothing committed");
        assertEquals(1, st.failures());
        assertTrue(f.states("line").contains("error"));
    }

    @Test
    void anUnknownBranchIsNamed() throws Exception {
        remote.commit("flows", "main", Map.of("flows.json", FLOWS), "First");
        follow("line", "no-such-branch", null);

        UpstreamStatus st = f.sync.run(UpstreamFixture.TEAM, "line");

        assertEquals(UpstreamState.ERROR, st.state());
        assertTrue(st.error().startsWith("branch not found: 'no-such-branch' does not exist on"), st.error());
    }

    @Test
    void aMissingRepositoryIsNamed() throws Exception {
        f.store.put(UpstreamFixture.TEAM, "olga", "line", UpstreamFixture.json("{\"url\": \"" + remote.url("absent")
                + "\", \"protocol\": \"" + remote.protocol() + "\", \"branch\": \"main\", \"intervalSeconds\": 120, "
                + remote.authJson() + "}"));

        UpstreamStatus st = f.sync.run(UpstreamFixture.TEAM, "line");

        assertEquals(UpstreamState.ERROR, st.state());
        assertTrue(st.error().startsWith("repository not found"), st.error());
    }

    @Test
    void wrongCredentialsFailWithAuthenticationFailedAndChangeNothing() throws Exception {
        remote.commit("flows", "main", Map.of("flows.json", FLOWS), "First");
        follow("line", "main", null);
        remote.wrongSecrets().forEach((path, value) -> f.secrets.put(UpstreamFixture.TEAM, "olga", path, value));

        UpstreamStatus st = f.sync.run(UpstreamFixture.TEAM, "line");

        assertEquals(UpstreamState.ERROR, st.state());
        assertTrue(st.error().startsWith("authentication failed"), st.error());
        assertNull(f.main("line"));
        assertFalse(st.error().contains("not-the-password") || st.error().contains("wrong passphrase"), st.error());
    }

    @Test
    void aProtectedInstanceGetsAReviewInsteadOfACommit() throws Exception {
        String sha = remote.commit("flows", "main", Map.of("flows.json", FLOWS), "First");
        follow("safe", "main", null);

        UpstreamStatus st = f.sync.run(UpstreamFixture.TEAM, "safe");

        assertEquals(UpstreamState.BEHIND, st.state(), String.valueOf(st.error()));
        assertNull(f.main("safe"), "main untouched until the review is approved");
        assertNotNull(st.pendingReview());
        assertEquals(ReviewState.OPEN, f.reviews.get(UpstreamFixture.TEAM, st.pendingReview()).orElseThrow().state());
        assertEquals(sha, st.pendingRemote());

        UpstreamStatus again = f.sync.run(UpstreamFixture.TEAM, "safe");
        assertEquals(st.pendingReview(), again.pendingReview(), "no second review for the same remote revision");
        assertEquals(1, f.reviews.list(UpstreamFixture.TEAM, null).size());
    }

    /** The client layer the git stages use pushes too, over the same transports and credentials. */
    @Test
    void theClientLayerPushesACommitAndReportsANonFastForward() throws Exception {
        String base = remote.commit("flows", "main", Map.of("flows.json", FLOWS), "First");
        follow("line", "main", null);
        UpstreamConfig c = f.store.get(UpstreamFixture.TEAM, "line").orElseThrow();
        var endpoint = new UpstreamEndpoints(f.secrets, f.integrations, f.policy, Duration.ofSeconds(10))
                .of(UpstreamFixture.TEAM, c);
        var git = new dev.flowstage.hooks.remote.RemoteGit(new dev.flowstage.hooks.outbound.OutboundConnector(f.policy));
        try (var local = new org.eclipse.jgit.internal.storage.file.FileRepository(tmp.resolve("local.git").toFile())) {
            local.create(true);
            git.fetch(endpoint, local, "main", "refs/heads/main", 1);
            var snapshot = dev.flowstage.storage.snapshot.Snapshot.EMPTY.with("flows.json", "[]");
            var who = new org.eclipse.jgit.lib.PersonIdent("Flowstage", "flowstage@test");
            var next = dev.flowstage.storage.snapshot.SnapshotWriter.commit(local, snapshot,
                    java.util.List.of(org.eclipse.jgit.lib.ObjectId.fromString(base)), who, who, "Pushed by Flowstage");
            var spec = new org.eclipse.jgit.transport.RefSpec(next.name() + ":refs/heads/staging");
            var result = git.push(endpoint, local, java.util.List.of(spec));
            assertEquals(org.eclipse.jgit.transport.RemoteRefUpdate.Status.OK,
                    result.getRemoteUpdate("refs/heads/staging").getStatus());
            assertEquals(next, git.head(endpoint, "staging"));

            var orphan = dev.flowstage.storage.snapshot.SnapshotWriter.commit(local, snapshot, java.util.List.of(), who,
                    who, "Unrelated");
            var rejected = git.push(endpoint, local, java.util.List.of(
                    new org.eclipse.jgit.transport.RefSpec(orphan.name() + ":refs/heads/staging")));
            assertEquals(org.eclipse.jgit.transport.RemoteRefUpdate.Status.REJECTED_NONFASTFORWARD,
                    rejected.getRemoteUpdate("refs/heads/staging").getStatus());
        }
    }

    @Test
    void theStatusSurvivesARestart() throws Exception {
        String sha = remote.commit("flows", "main", Map.of("flows.json", FLOWS), "First");
        follow("line", "main", null);
        f.sync.run(UpstreamFixture.TEAM, "line");

        UpstreamStatus reread = new UpstreamStatusLog(f.repos, f.clock).read(UpstreamFixture.TEAM, "line").orElseThrow();

        assertEquals(UpstreamState.IN_SYNC, reread.state());
        assertEquals(sha, reread.lastApplied());
        assertEquals("First", reread.remote().message());
    }
}
