package dev.flowstage.hooks.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.review.Approval;
import dev.flowstage.storage.review.GitReviewStore;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.review.ReviewState;
import dev.flowstage.storage.run.GitRunStore;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run and review events come from the stores' writes: one per status or state change, none for the rest. */
class StoreEventsTest {
    @TempDir
    Path data;
    TeamFixture fx;
    final List<FlowstageEvent> published = new ArrayList<>();
    final Clock clock = Clock.systemUTC();

    @BeforeEach
    void start() throws Exception {
        fx = new TeamFixture(data);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private List<String> fields(String key) {
        return published.stream().map(e -> String.valueOf(e.data().get(key))).toList();
    }

    @Test
    void runsPublishOnCreateAndOnStatusChangesOnly() {
        RunEventsStore runs = new RunEventsStore(new GitRunStore(fx.repos, clock), published::add, clock);
        Run run = runs.create(new Run(null, "acme", "line-1", "dev", "dev", "qa", "use_latest_snapshot", "olive",
                RunStatus.QUEUED, null, null, null, null, null, null, null, null, List.of(), null));
        runs.update("acme", run.id(), r -> r.withStatus(RunStatus.RUNNING));
        runs.update("acme", run.id(), r -> r.withLog(Instant.now(), "still running")); // no status change
        runs.update("acme", run.id(), r -> r.withStatus(RunStatus.SUCCEEDED));
        assertEquals(List.of("queued", "running", "succeeded"), fields("status"));
        FlowstageEvent first = published.get(0);
        assertEquals("run", first.type());
        assertEquals("qa", first.target());
        assertEquals(run.id(), first.data().get("run"));
        assertEquals("olive", first.data().get("actor"));
    }

    @Test
    void reviewsPublishOpeningApprovalsAndStateChanges() throws Exception {
        String candidate;
        try (Repository repo = fx.repos.create(new RepoName("acme", "prod")); ObjectInserter ins = repo.newObjectInserter()) {
            CommitBuilder c = new CommitBuilder();
            c.setTreeId(ins.insert(new TreeFormatter()));
            PersonIdent who = new PersonIdent("olive", "o@example.test");
            c.setAuthor(who);
            c.setCommitter(who);
            c.setMessage("candidate");
            ObjectId id = ins.insert(c);
            ins.flush();
            candidate = id.name();
        }
        ReviewEventsStore reviews = new ReviewEventsStore(new GitReviewStore(fx.repos, clock), published::add, clock);
        Review r = reviews.open("acme", "prod", candidate, null, "olive", "Promote dev", 2, null);
        reviews.update("acme", r.id(), x -> withApproval(x, "ann"));
        reviews.update("acme", r.id(), x -> withApproval(x, "bob"));
        reviews.update("acme", r.id(), x -> withState(x, ReviewState.MERGED));
        assertEquals(List.of("open", "approval", "approval", "merged"), fields("state"));
        assertEquals(List.of("olive", "ann", "bob", "olive"), fields("actor"));
        assertEquals(String.valueOf(r.id()), published.get(0).data().get("review"));
        assertEquals("prod", published.get(0).target());
    }

    @Test
    void anApproversChangedCommentIsAnApprovalEventAndNoEventCarriesAComment() throws Exception {
        String candidate;
        try (Repository repo = fx.repos.create(new RepoName("acme", "prod")); ObjectInserter ins = repo.newObjectInserter()) {
            CommitBuilder c = new CommitBuilder();
            c.setTreeId(ins.insert(new TreeFormatter()));
            PersonIdent who = new PersonIdent("olive", "o@example.test");
            c.setAuthor(who);
            c.setCommitter(who);
            c.setMessage("candidate");
            candidate = ins.insert(c).name();
            ins.flush();
        }
        ReviewEventsStore reviews = new ReviewEventsStore(new GitReviewStore(fx.repos, clock), published::add, clock);
        Review r = reviews.open("acme", "prod", candidate, null, "olive", "Promote dev", 3, null);
        reviews.update("acme", r.id(), x -> x.withApproval("ann", Instant.now(), "first look"));
        reviews.update("acme", r.id(), x -> x.withApproval("ann", Instant.now(), "second look"));
        reviews.update("acme", r.id(), x -> x.withApproval("ann", Instant.now(), null));
        reviews.update("acme", r.id(), x -> x.withState(ReviewState.REJECTED).withComment("no"));
        assertEquals(List.of("open", "approval", "approval", "rejected"), fields("state"));
        assertEquals(List.of("olive", "ann", "ann", "olive"), fields("actor"));
        assertTrue(published.stream().noneMatch(e -> e.data().containsKey("comment")), published.toString());
    }

    private static Review withApproval(Review r, String user) {
        List<Approval> a = new ArrayList<>(r.approvals());
        a.add(new Approval(user, Instant.now()));
        return new Review(r.id(), r.team(), r.target(), r.state(), r.candidate(), r.base(), r.author(), r.title(),
                r.createdAt(), r.updatedAt(), a, r.requiredApprovals(), r.runId(), r.comment(), r.mergedCommit());
    }

    private static Review withState(Review r, ReviewState s) {
        return new Review(r.id(), r.team(), r.target(), s, r.candidate(), r.base(), r.author(), r.title(),
                r.createdAt(), r.updatedAt(), r.approvals(), r.requiredApprovals(), r.runId(), r.comment(),
                r.mergedCommit());
    }
}
