package dev.flowstage.web.git;

import static dev.flowstage.web.git.GitServerFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.hooks.git.GitLimits;
import dev.flowstage.storage.snapshot.Snapshot;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reviews end to end: a member pushes to {@code refs/for/main} with the git client, the review is listed
 * and shown with its diff over the REST API, an owner approves it and {@code main} moves.
 */
class ReviewsOverHttpTest {
    private static final Pattern OPENED = Pattern.compile("flowstage: review (\\d+) opened for acme/(\\S+): (.*)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLOWS = "[\n    {\"id\": \"t1\", \"type\": \"tab\", \"label\": \"Flow 1\"},\n"
            + "    {\"id\": \"n1\", \"type\": \"inject\", \"z\": \"t1\", \"name\": \"Tick\", \"wires\": [[\"f1\"]]},\n"
            + "    {\"id\": \"f1\", \"type\": \"function\", \"z\": \"t1\", \"name\": \"Parse\", \"func\": \"return msg;\", \"wires\": [[]]}\n]\n";

    @TempDir
    static Path tmp;
    private static GitServerFixture server;
    private static final List<String> moved = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = new GitServerFixture(tmp, GitLimits.DEFAULTS,
                (team, target, oldSha, newSha, actor) -> moved.add(target + " " + newSha + " " + actor));
        server.seedMain("dev", Snapshot.EMPTY.with("flows.json", FLOWS), "first snapshot");
        server.seedMain("prod", Snapshot.EMPTY.with("flows.json", FLOWS), "first snapshot");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void aMemberProposesAndAnOwnerApprovesAChangeToAProtectedInstance() throws Exception {
        Path work = server.clone(tmp, "mia", "acme/prod");
        Files.writeString(work.resolve("flows.json"), FLOWS.replace("return msg;", "msg.payload = 42;\\nreturn msg;"));
        String sha = server.commitAll(work, "Answer everything with 42");
        long id = openReview(work, "prod", "Answer everything with 42");

        JsonNode open = json(server.api("vic", "GET", "teams/acme/reviews?state=open", null), 200);
        assertTrue(ids(open).contains(id), open.toString());
        JsonNode shown = json(server.api("vic", "GET", "teams/acme/reviews/" + id, null), 200);
        assertEquals("open", shown.get("state").asText());
        assertEquals("mia", shown.get("author").asText());
        assertEquals(sha, shown.get("candidate").asText());
        assertEquals("main", shown.get("diffAgainst").asText());
        assertEquals(1, shown.at("/diff/counts/changed").asInt(), shown.toString());
        assertEquals("f1", shown.at("/diff/groups/0/nodes/0/id").asText(), shown.toString());
        assertEquals(0, shown.get("conflicts").size(), shown.toString());

        ObjectId before = server.ref("prod", "refs/heads/main");
        assertEquals("forbidden", json(server.api("mia", "POST", "teams/acme/reviews/" + id + "/approve", null), 403)
                .at("/error/code").asText());
        json(server.api("vic", "POST", "teams/acme/reviews/" + id + "/approve", null), 403);
        json(server.api("mallory", "POST", "teams/acme/reviews/" + id + "/approve", null), 404);
        json(server.api("mallory", "GET", "teams/acme/reviews/" + id, null), 404);
        assertEquals(before, server.ref("prod", "refs/heads/main"));

        JsonNode merged = json(server.api("olga", "POST", "teams/acme/reviews/" + id + "/approve", null), 200);
        assertEquals("merged", merged.get("state").asText());
        assertEquals(sha, merged.get("mergedCommit").asText());
        assertEquals("olga", merged.at("/approvals/0/user").asText());
        assertFalse(merged.at("/approvals/0").has("comment"), "approved without a body: no comment");
        JsonNode decided = json(server.api("vic", "GET", "teams/acme/reviews/" + id, null), 200);
        assertEquals("base", decided.get("diffAgainst").asText());
        assertEquals(1, decided.at("/diff/counts/changed").asInt(), decided.toString());
        assertEquals(sha, server.ref("prod", "refs/heads/main").name());
        assertTrue(moved.contains("prod " + sha + " olga"), moved.toString());

        assertFalse(ids(json(server.api("olga", "GET", "teams/acme/reviews?state=open", null), 200)).contains(id));
        assertTrue(ids(json(server.api("olga", "GET", "teams/acme/reviews?state=merged", null), 200)).contains(id));
        ok(server.git.run(work, "pull", "-q", "origin", "main"));
    }

    @Test
    void aReviewThatChangesTheSameNodeAsMainIsRefusedAndMainStays() throws Exception {
        Path proposal = server.clone(tmp, "mia", "acme/dev");
        Files.writeString(proposal.resolve("flows.json"), FLOWS.replace("\"Tick\"", "\"Every minute\""));
        server.commitAll(proposal, "Rename the inject");
        long id = openReview(proposal, "dev", "Rename the inject");

        Path direct = server.clone(tmp, "olga", "acme/dev");
        Files.writeString(direct.resolve("flows.json"), FLOWS.replace("\"Tick\"", "\"Every hour\""));
        String onMain = server.commitAll(direct, "Rename it differently");
        ok(server.git.run(direct, "push", "-q", "origin", "HEAD:main"));

        JsonNode preview = json(server.api("mia", "GET", "teams/acme/reviews/" + id, null), 200);
        assertEquals("base", preview.get("diffAgainst").asText());
        assertEquals("node \"n1\" (inject \"Every hour\") changed on both sides", preview.at("/conflicts/0").asText());

        JsonNode error = json(server.api("olga", "POST", "teams/acme/reviews/" + id + "/approve", null), 409);
        assertEquals("merge_conflict", error.at("/error/code").asText());
        assertEquals("flowstage: review " + id + " conflicts with main: node \"n1\" (inject \"Every hour\") changed on both"
                + " sides", error.at("/error/message").asText());
        assertEquals(onMain, server.ref("dev", "refs/heads/main").name());
        assertEquals("open", json(server.api("olga", "GET", "teams/acme/reviews/" + id, null), 200).get("state").asText());

        JsonNode rejected = json(server.api("olga", "POST", "teams/acme/reviews/" + id + "/reject",
                "{\"comment\": \"redo it on top of main\"}"), 200);
        assertEquals("rejected", rejected.get("state").asText());
        assertEquals("redo it on top of main", rejected.get("comment").asText());
        assertEquals("conflict", json(server.api("olga", "POST", "teams/acme/reviews/" + id + "/approve", null), 409)
                .at("/error/code").asText());
    }

    @Test
    void changesToDifferentNodesAreMergedAtTheNodeLevel() throws Exception {
        Path proposal = server.clone(tmp, "mia", "acme/dev");
        String start = Files.readString(proposal.resolve("flows.json"));
        Files.writeString(proposal.resolve("flows.json"), start.replace("return msg;", "return null;"));
        server.commitAll(proposal, "Drop messages");
        long id = openReview(proposal, "dev", "Drop messages");

        Path direct = server.clone(tmp, "olga", "acme/dev");
        Files.writeString(direct.resolve("flows.json"), start.replace("\"Flow 1\"", "\"Ingest\""));
        server.commitAll(direct, "Name the tab");
        ok(server.git.run(direct, "push", "-q", "origin", "HEAD:main"));

        // shown as what approving does to main now: only the function changes, the tab keeps its new name
        JsonNode preview = json(server.api("mia", "GET", "teams/acme/reviews/" + id, null), 200);
        assertEquals("main", preview.get("diffAgainst").asText());
        assertEquals(1, preview.at("/diff/counts/changed").asInt(), preview.toString());
        assertEquals(1, preview.at("/diff/groups/0/nodes").size(), preview.toString());
        assertEquals("f1", preview.at("/diff/groups/0/nodes/0/id").asText(), preview.toString());

        JsonNode merged = json(server.api("olga", "POST", "teams/acme/reviews/" + id + "/approve", null), 200);
        String head = server.ref("dev", "refs/heads/main").name();
        assertEquals(head, merged.get("mergedCommit").asText());
        ok(server.git.run(direct, "pull", "-q", "--ff-only", "origin", "main"));
        assertEquals(start.replace("\"Flow 1\"", "\"Ingest\"").replace("return msg;", "return null;"),
                Files.readString(direct.resolve("flows.json")));
        assertEquals("Merge review " + id + ": Drop messages",
                server.git.run(direct, "log", "-1", "--format=%s").output().trim());
    }

    @Test
    void theFlowsOfBothSidesOfAReviewAreServedToDrawThem() throws Exception {
        Path proposal = server.clone(tmp, "mia", "acme/dev");
        ArrayNode proposed = (ArrayNode) JSON.readTree(proposal.resolve("flows.json").toFile());
        proposed.addObject().put("id", "draw1").put("type", "debug").put("z", "t1").put("x", 300).put("y", 80)
                .putArray("wires");
        Files.writeString(proposal.resolve("flows.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(proposed));
        server.commitAll(proposal, "Add a debug node");
        long id = openReview(proposal, "dev", "Add a debug node");

        // main moves on elsewhere: the picture must show what approving does to main now, the merge
        Path direct = server.clone(tmp, "olga", "acme/dev");
        ArrayNode onMain = (ArrayNode) JSON.readTree(direct.resolve("flows.json").toFile());
        ((ObjectNode) onMain.get(0)).put("label", "Drawn");
        Files.writeString(direct.resolve("flows.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(onMain));
        server.commitAll(direct, "Rename the tab");
        ok(server.git.run(direct, "push", "-q", "origin", "HEAD:main"));

        JsonNode flows = json(server.api("vic", "GET", "teams/acme/reviews/" + id + "/flows", null), 200);
        assertEquals("main", flows.get("against").asText());
        assertEquals(0, flows.get("conflicts").size(), flows.toString());
        assertEquals(onMain, flows.get("before"));
        assertEquals("Drawn", flows.at("/after/0/label").asText(), flows.toString());
        assertEquals(onMain.size() + 1, flows.get("after").size(), flows.toString());
        assertEquals(300, flows.at("/after/" + onMain.size() + "/x").asInt(), flows.toString());
        // and the diff of the review is the diff between exactly these two
        JsonNode shown = json(server.api("vic", "GET", "teams/acme/reviews/" + id, null), 200);
        assertEquals(1, shown.at("/diff/counts/added").asInt(), shown.toString());
        assertEquals(0, shown.at("/diff/counts/changed").asInt(), shown.toString());

        json(server.api("mallory", "GET", "teams/acme/reviews/" + id + "/flows", null), 404);
        assertEquals("not_found", json(server.api("vic", "GET", "teams/acme/reviews/99999/flows", null), 404)
                .at("/error/code").asText());
        json(server.api("olga", "POST", "teams/acme/reviews/" + id + "/reject", "{}"), 200);
        JsonNode decided = json(server.api("vic", "GET", "teams/acme/reviews/" + id + "/flows", null), 200);
        assertEquals("base", decided.get("against").asText());
        assertEquals(proposed, decided.get("after"));
    }

    @Test
    void twoOwnersApprovingAtOnceApplyTheReviewOnce() throws Exception {
        Path work = server.clone(tmp, "mia", "acme/prod");
        Files.writeString(work.resolve("README.md"), "concurrent\n");
        String sha = server.commitAll(work, "Add a readme");
        long id = openReview(work, "prod", "Add a readme");
        int movedBefore = moved.size();

        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Integer> statuses = new ArrayList<>();
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (String owner : List.of("olga", "oscar")) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return server.api(owner, "POST", "teams/acme/reviews/" + id + "/approve", null).statusCode();
                }));
            }
            for (Future<Integer> f : calls) {
                statuses.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        statuses.sort(null);
        assertEquals(List.of(200, 409), statuses);
        assertEquals(movedBefore + 1, moved.size(), moved.toString());
        assertEquals(sha, server.ref("prod", "refs/heads/main").name());
    }

    @Test
    void approvalsCarryTheirCommentsAndATooLongCommentIsRefusedWithNothingStored() throws Exception {
        Path work = server.clone(tmp, "mia", "acme/dev");
        Files.writeString(work.resolve("NOTES.md"), "comments\n");
        server.commitAll(work, "Add notes");
        long id = openReview(work, "dev", "Add notes");
        String review = "teams/acme/reviews/" + id;
        JsonNode before = json(server.api("vic", "GET", review, null), 200);

        String tooLong = "x".repeat(2001);
        for (String verb : List.of("approve", "reject")) {
            JsonNode error = json(server.api("olga", "POST", review + "/" + verb,
                    JSON.writeValueAsString(JSON.createObjectNode().put("comment", tooLong))), 422);
            assertEquals("invalid_field", error.at("/error/code").asText());
            assertEquals("comment must be at most 2000 characters, not 2001", error.at("/error/message").asText());
        }
        JsonNode bell = json(server.api("olga", "POST", review + "/approve", "{\"comment\": \"ding\\u0007\"}"), 422);
        assertTrue(bell.at("/error/message").asText().startsWith("comment must not contain control characters: U+0007"),
                bell.toString());
        // nothing was stored: same state, no approval, not even a new updatedAt
        assertEquals(before, json(server.api("vic", "GET", review, null), 200));
        // a member's comment changes nothing about who may decide
        assertEquals("forbidden", json(server.api("mia", "POST", review + "/approve", "{\"comment\": \"mine\"}"), 403)
                .at("/error/code").asText());

        // text is stored as text: markup and line breaks come back as they were sent
        String comment = "Checked <b>NOTES</b> & the \"dev\" flow\nsecond line";
        JsonNode approved = json(server.api("olga", "POST", review + "/approve",
                JSON.writeValueAsString(JSON.createObjectNode().put("comment", "  " + comment + "  "))), 200);
        assertEquals("merged", approved.get("state").asText());
        assertEquals(comment, approved.at("/approvals/0/comment").asText());
        assertFalse(approved.has("comment"), "the review's own comment is a rejection's");
        JsonNode shown = json(server.api("vic", "GET", review, null), 200);
        assertEquals("olga", shown.at("/approvals/0/user").asText());
        assertEquals(comment, shown.at("/approvals/0/comment").asText());
        assertTrue(shown.at("/approvals/0/at").isTextual(), shown.toString());
        JsonNode listed = json(server.api("vic", "GET", "teams/acme/reviews?state=merged&limit=100", null), 200);
        List<String> listedComments = new ArrayList<>();
        listed.get("items").forEach(r -> {
            if (r.get("id").asLong() == id) {
                listedComments.add(r.at("/approvals/0/comment").asText());
            }
        });
        assertEquals(List.of(comment), listedComments);

        // an empty JSON body approves as before: no comment, and the field is left out
        ok(server.git.run(work, "pull", "-q", "origin", "main"));
        Files.writeString(work.resolve("NOTES.md"), "comments, again\n");
        server.commitAll(work, "Edit notes");
        long next = openReview(work, "dev", "Edit notes");
        JsonNode merged = json(server.api("oscar", "POST", "teams/acme/reviews/" + next + "/approve", ""), 200);
        assertEquals("merged", merged.get("state").asText());
        assertEquals("oscar", merged.at("/approvals/0/user").asText());
        assertFalse(merged.at("/approvals/0").has("comment"), merged.toString());
        ok(server.git.run(work, "pull", "-q", "origin", "main"));
    }

    @Test
    void badRequestsGetClearAnswers() throws Exception {
        assertEquals("invalid_state", json(server.api("olga", "GET", "teams/acme/reviews?state=pending", null), 400)
                .at("/error/code").asText());
        json(server.api("olga", "GET", "teams/acme/reviews/not-a-number", null), 404);
        json(server.api("olga", "POST", "teams/acme/reviews/9999/approve", null), 404);
        json(server.api("mallory", "GET", "teams/acme/reviews", null), 404);
        JsonNode page = json(server.api("olga", "GET", "teams/acme/reviews?limit=1", null), 200);
        assertTrue(page.get("items").size() <= 1, page.toString());
    }

    /** Pushes HEAD to refs/for/main and returns the id the server announced. */
    private static long openReview(Path work, String target, String title) throws Exception {
        GitCli.Result push = server.git.run(work, "push", "origin", "HEAD:refs/for/main");
        ok(push);
        Matcher m = OPENED.matcher(push.output());
        assertTrue(m.find(), push.output());
        assertEquals(target, m.group(2));
        assertEquals(title, m.group(3).trim());
        return Long.parseLong(m.group(1));
    }

    private static JsonNode json(HttpResponse<String> rsp, int status) throws Exception {
        assertEquals(status, rsp.statusCode(), rsp.body());
        return JSON.readTree(rsp.body());
    }

    private static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("items").forEach(r -> ids.add(r.get("id").asLong()));
        return ids;
    }
}
