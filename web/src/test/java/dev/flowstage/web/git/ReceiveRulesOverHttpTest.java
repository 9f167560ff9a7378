package dev.flowstage.web.git;

import static dev.flowstage.web.git.GitServerFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.git.GitLimits;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.review.ReviewState;
import dev.flowstage.storage.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The receive rules of SPEC §3.3 as a flow developer meets them: the real git client pushing over smart
 * HTTP. Every refused push shows its message and leaves the refs as they were.
 */
class ReceiveRulesOverHttpTest {
    private static final String VALID = "[\n  {\"id\": \"t1\", \"type\": \"tab\", \"label\": \"Flow 1\"},\n"
            + "  {\"id\": \"n1\", \"type\": \"inject\", \"z\": \"t1\", \"wires\": [[]]}\n]\n";

    @TempDir
    static Path tmp;
    private static GitServerFixture server;
    private static final List<String> moved = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = new GitServerFixture(tmp, new GitLimits(64L << 20, 32L << 20, Duration.ofMinutes(2)),
                (team, target, oldSha, newSha, actor) -> moved.add(team + "/" + target + " " + oldSha + " " + newSha + " " + actor));
        server.seedMain("dev", Snapshot.EMPTY.with("flows.json", VALID), "first snapshot");
        server.seedMain("prod", Snapshot.EMPTY.with("flows.json", VALID), "first snapshot");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aJsonSyntaxErrorIsShownWithLineAndColumn() throws Exception {
        assertRefused("flows.json", "[\n  {\"id\": \"a\", \"type\": \"tab\"}\n  {\"id\": \"b\", \"type\": \"inject\"}\n]\n",
                "flowstage: flows.json: line 3, column 3: expected ',' or ']'");
    }

    @Test
    void duplicateIdsAreRefused() throws Exception {
        assertRefused("flows.json", "[{\"id\": \"a\", \"type\": \"tab\"},\n {\"id\": \"a\", \"type\": \"inject\"}]\n",
                "flowstage: flows.json: line 2, column 2: duplicate id \"a\" at nodes 0 and 1");
    }

    @Test
    void aNodeWithoutIdOrTypeIsRefused() throws Exception {
        String out = assertRefused("flows.json", "[{\"type\": \"tab\"},\n {\"id\": \"b\"}]\n",
                "flowstage: flows.json: node 0: missing string \"id\" (line 1, column 2)");
        assertTrue(out.contains("flowstage: flows.json: node 1 (id \"b\"): missing string \"type\" (line 2, column 2)"), out);
    }

    @Test
    void flowsThatAreNotAnArrayAreRefused() throws Exception {
        assertRefused("flows.json", "{\"id\": \"a\", \"type\": \"tab\"}\n",
                "flowstage: flows.json: line 1, column 1: must be a JSON array of nodes, found an object");
    }

    @Test
    void anEnvValueThatIsNotAStringIsRefused() throws Exception {
        assertRefused("env.json", "{\n  \"HOST\": \"example.com\",\n  \"PORT\": 1880\n}\n",
                "flowstage: env.json: line 3, column 11: value of \"PORT\" must be a string, found a number");
    }

    @Test
    void aFileOver32MiBIsRefusedByName() throws Exception {
        Path work = server.clone(tmp, "mia", "acme/dev");
        byte[] big = new byte[33 << 20];
        new Random(7).nextBytes(big);
        Files.write(work.resolve("README.bin"), big);
        server.commitAll(work, "a large file");
        ObjectId before = server.ref("dev", "refs/heads/main");
        GitCli.Result push = server.git.run(work, "push", "origin", "HEAD:main");
        assertFalse(push.ok(), push.output());
        assertTrue(push.output().contains("flowstage: README.bin is 33.0 MiB; files larger than 32 MiB are refused"),
                push.output());
        assertEquals(before, server.ref("dev", "refs/heads/main"));
        // the limit holds on every branch, not only on main
        GitCli.Result branch = server.git.run(work, "push", "origin", "HEAD:refs/heads/big");
        assertFalse(branch.ok(), branch.output());
        assertTrue(branch.output().contains("flowstage: README.bin is 33.0 MiB"), branch.output());
        assertEquals(null, server.ref("dev", "refs/heads/big"));
    }

    @Test
    void forcePushAndDeletionOfMainAreRefusedAndMainStays() throws Exception {
        Path work = server.clone(tmp, "olga", "acme/dev");
        ok(server.git.run(work, "commit", "-q", "--amend", "-m", "rewritten history"));
        ObjectId before = server.ref("dev", "refs/heads/main");
        GitCli.Result force = server.git.run(work, "push", "--force", "origin", "HEAD:main");
        assertFalse(force.ok(), force.output());
        assertTrue(force.output().contains("flowstage: main only moves forward"), force.output());
        assertEquals(before, server.ref("dev", "refs/heads/main"));

        GitCli.Result delete = server.git.run(work, "push", "origin", ":main");
        assertFalse(delete.ok(), delete.output());
        assertTrue(delete.output().contains("flowstage: main cannot be deleted"), delete.output());
        assertEquals(before, server.ref("dev", "refs/heads/main"));
    }

    @Test
    void anOwnersDirectPushToAProtectedInstanceIsRefused() throws Exception {
        Path work = server.clone(tmp, "olga", "acme/prod");
        Files.writeString(work.resolve("README.md"), "hotfix\n");
        server.commitAll(work, "hotfix");
        ObjectId before = server.ref("prod", "refs/heads/main");
        GitCli.Result push = server.git.run(work, "push", "origin", "HEAD:main");
        assertFalse(push.ok(), push.output());
        assertTrue(push.output().contains("flowstage: main of protected instance 'prod' only changes through a pipeline"
                + " or an approved review (push to refs/for/main to open one)"), push.output());
        assertEquals(before, server.ref("prod", "refs/heads/main"));
    }

    @Test
    void aBadCommitEarlierInThePushIsNamed() throws Exception {
        Path work = server.clone(tmp, "mia", "acme/dev");
        Files.writeString(work.resolve("flows.json"), "[\n");
        String bad = server.commitAll(work, "broken on the way");
        Files.writeString(work.resolve("flows.json"), VALID.replace("Flow 1", "Flow 2"));
        server.commitAll(work, "fixed again");
        ObjectId before = server.ref("dev", "refs/heads/main");
        GitCli.Result push = server.git.run(work, "push", "origin", "HEAD:main");
        assertFalse(push.ok(), push.output());
        assertTrue(push.output().contains("flowstage: commit " + bad.substring(0, 7)
                + " (\"broken on the way\"): flows.json: line 2, column 1: unexpected end of file"), push.output());
        assertEquals(before, server.ref("dev", "refs/heads/main"));
    }

    @Test
    void oneRefusedRefRefusesTheWholePush() throws Exception {
        Path work = server.clone(tmp, "mia", "acme/dev");
        Files.writeString(work.resolve("flows.json"), "[1]\n");
        server.commitAll(work, "not nodes");
        GitCli.Result push = server.git.run(work, "push", "origin", "HEAD:refs/heads/side", "HEAD:main");
        assertFalse(push.ok(), push.output());
        assertTrue(push.output().contains("flowstage: flows.json: node 0: expected an object, found a number"), push.output());
        assertTrue(push.output().contains("flowstage: atomic push failed"), push.output());
        assertEquals(null, server.ref("dev", "refs/heads/side"));
    }

    @Test
    void aValidPushMovesMainAndTellsTheListeners() throws Exception {
        Path work = server.clone(tmp, "mia", "acme/dev");
        ObjectId before = server.ref("dev", "refs/heads/main");
        Files.writeString(work.resolve("flows.json"), VALID.replace("Flow 1", "Valid flow"));
        Files.writeString(work.resolve("env.json"), "{\"HOST\": \"example.com\"}\n");
        String sha = server.commitAll(work, "a valid change");
        ok(server.git.run(work, "push", "-q", "origin", "HEAD:main"));
        assertEquals(sha, server.ref("dev", "refs/heads/main").name());
        assertTrue(moved.contains("acme/dev " + before.name() + " " + sha + " mia"), moved.toString());
    }

    @Test
    void workBranchesAreNotValidatedAsSnapshots() throws Exception {
        Path work = server.clone(tmp, "mia", "acme/dev");
        Files.writeString(work.resolve("flows.json"), "[ work in progress\n");
        String sha = server.commitAll(work, "wip");
        ok(server.git.run(work, "push", "-q", "origin", "HEAD:refs/heads/wip"));
        assertEquals(sha, server.ref("dev", "refs/heads/wip").name());
    }

    @Test
    void aPushToRefsForMainOpensAReviewWithoutCreatingTheRef() throws Exception {
        Path work = server.clone(tmp, "mia", "acme/prod");
        ObjectId before = server.ref("prod", "refs/heads/main");
        Files.writeString(work.resolve("flows.json"), VALID.replace("Flow 1", "Proposed"));
        String sha = server.commitAll(work, "Rename the first flow");
        GitCli.Result push = server.git.run(work, "push", "origin", "HEAD:refs/for/main");
        ok(push);
        Review review = server.reviews.list("acme", ReviewState.OPEN).stream()
                .filter(r -> r.candidate().equals(sha)).findFirst().orElseThrow();
        assertTrue(push.output().contains("flowstage: review " + review.id() + " opened for acme/prod: Rename the first flow"),
                push.output());
        assertEquals("prod", review.target());
        assertEquals(before.name(), review.base());
        assertEquals("mia", review.author());
        assertEquals("Rename the first flow", review.title());
        assertEquals(1, review.requiredApprovals());
        assertEquals(sha, server.ref("prod", Review.refName(review.id())).name());
        assertEquals(null, server.ref("prod", "refs/for/main"));
        assertEquals(before, server.ref("prod", "refs/heads/main"));

        // the same commit again is not a second review
        GitCli.Result again = server.git.run(work, "push", "origin", "HEAD:refs/for/main");
        assertFalse(again.ok(), again.output());
        assertTrue(again.output().contains("flowstage: review " + review.id() + " already proposes " + sha.substring(0, 7)),
                again.output());
    }

    @Test
    void aReviewIsValidatedLikeMain() throws Exception {
        Path work = server.clone(tmp, "mia", "acme/prod");
        Files.writeString(work.resolve("flows.json"), "[{\"id\": 1, \"type\": \"tab\"}]\n");
        server.commitAll(work, "numeric id");
        int before = server.reviews.list("acme", null).size();
        GitCli.Result push = server.git.run(work, "push", "origin", "HEAD:refs/for/main");
        assertFalse(push.ok(), push.output());
        assertTrue(push.output().contains("flowstage: flows.json: node 0: \"id\" must be a string, found a number"),
                push.output());
        assertEquals(before, server.reviews.list("acme", null).size());
    }

    @Test
    void nothingNewIsNotAReviewAndViewersCannotOpenOne() throws Exception {
        Path work = server.clone(tmp, "mia", "acme/prod");
        GitCli.Result same = server.git.run(work, "push", "origin", "HEAD:refs/for/main");
        assertFalse(same.ok(), same.output());
        assertTrue(same.output().contains("flowstage: nothing to review:"), same.output());

        Path viewer = server.clone(tmp, "vic", "acme/prod");
        Files.writeString(viewer.resolve("README.md"), "viewer\n");
        server.commitAll(viewer, "from a viewer");
        GitCli.Result push = server.git.run(viewer, "push", "origin", "HEAD:refs/for/main");
        assertFalse(push.ok(), push.output());
        assertTrue(push.output().contains("flowstage: you may not push to acme/prod"), push.output());
    }

    @Test
    void reviewRefsAreReadOnly() throws Exception {
        Path work = server.clone(tmp, "olga", "acme/dev");
        GitCli.Result push = server.git.run(work, "push", "origin", "HEAD:refs/reviews/99");
        assertFalse(push.ok(), push.output());
        assertTrue(push.output().contains("flowstage: refs/reviews/99 is written by the server only"), push.output());
        assertEquals(null, server.ref("dev", "refs/reviews/99"));
    }

    /** Pushes {@code file} with {@code content} to main of acme/dev as a member; the push is refused. */
    private static String assertRefused(String file, String content, String message) throws Exception {
        Path work = server.clone(tmp, "mia", "acme/dev");
        Files.writeString(work.resolve(file), content);
        server.commitAll(work, "change " + file);
        ObjectId before = server.ref("dev", "refs/heads/main");
        GitCli.Result push = server.git.run(work, "push", "origin", "HEAD:main");
        assertFalse(push.ok(), push.output());
        assertTrue(push.output().contains(message), push.output());
        assertNotNull(before);
        assertEquals(before, server.ref("dev", "refs/heads/main"), "main must not move");
        return push.output();
    }
}
