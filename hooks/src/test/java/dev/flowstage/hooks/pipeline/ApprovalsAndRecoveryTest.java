package dev.flowstage.hooks.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.review.ReviewService;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.review.ReviewState;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import dev.flowstage.storage.run.RunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApprovalsAndRecoveryTest {
    private static final String FLOWS = "[{\"id\":\"t1\",\"type\":\"tab\"}]";
    private static final UserPrincipal OLGA = new UserPrincipal("olga", false, TokenScope.WRITE);
    private static final UserPrincipal OSCAR = new UserPrincipal("oscar", false, TokenScope.WRITE);

    @TempDir
    Path dir;
    private PipelineFixture f;
    private PipelineEngine engine;
    private ReviewService reviews;

    @BeforeEach
    void setUp() throws Exception {
        f = new PipelineFixture(dir);
        engine = f.engine(MainMovedListener.NONE);
        reviews = f.reviewService();
        reviews.addListener(engine);
        f.line("queue", "use_latest_snapshot");
        f.commit("qa", PipelineFixture.flows(FLOWS), "qa");
    }

    @AfterEach
    void tearDown() throws Exception {
        engine.close();
        f.close();
    }

    @Test
    void aDeployIntoAProtectedInstanceWaitsForAnApprovalThenApplies() throws Exception {
        ObjectId prodBefore = f.commit("prod", PipelineFixture.flows("[]").with("settings.json", "{\"p\":1}"), "prod");
        Run run = awaitApproval(engine.deploy("acme", "line-1", "qa", Optional.empty(), "olga", "api"));
        Review review = f.reviews.get("acme", run.reviewId()).orElseThrow();
        assertEquals(run.id(), review.runId());
        assertEquals(1, review.requiredApprovals());
        assertEquals(prodBefore, f.main("prod"), "nothing is applied before the approval");

        reviews.approve("acme", review.id(), OSCAR, "ship it,\nafter lunch");
        Run done = f.awaitEnd(run.id());
        assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
        assertEquals(f.main("prod").name(), done.targetAfter());
        assertTrue(done.log().stream().anyMatch(l -> l.message().startsWith("Review " + review.id()
                + " approved by oscar (\"ship it, after lunch\"); main of prod is now ")), done.log().toString());
        assertEquals(PipelineFixture.flows(FLOWS).with("settings.json", "{\"p\":1}"), f.snapshot("prod", f.main("prod")));
    }

    @Test
    void aRejectionEndsTheRunAsRejected() throws Exception {
        Run run = awaitApproval(engine.deploy("acme", "line-1", "qa", Optional.empty(), "olga", "api"));
        reviews.reject("acme", run.reviewId(), OSCAR, "not today");
        Run done = f.awaitEnd(run.id());
        assertEquals(RunStatus.REJECTED, done.status());
        assertEquals("review " + run.reviewId() + " was rejected", done.error());
        assertTrue(done.log().get(done.log().size() - 1).message().endsWith("rejected: not today"));
        assertEquals(null, f.main("prod"));
    }

    @Test
    void twoOwnersApprovingAtOnceApplyOnePromotion() throws Exception {
        f.commit("prod", PipelineFixture.flows("[]"), "prod");
        Run run = awaitApproval(engine.deploy("acme", "line-1", "qa", Optional.empty(), "olga", "api"));
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService two = Executors.newFixedThreadPool(2);
        List<Future<?>> calls = new ArrayList<>();
        for (UserPrincipal owner : List.of(OLGA, OSCAR)) {
            calls.add(two.submit(() -> {
                together.await();
                try {
                    return reviews.approve("acme", run.reviewId(), owner);
                } catch (RuntimeException decidedAlready) {
                    return null;
                }
            }));
        }
        for (Future<?> c : calls) {
            c.get();
        }
        two.shutdown();
        Run done = f.awaitEnd(run.id());
        assertEquals(RunStatus.SUCCEEDED, done.status());
        try (Repository repo = f.repos.open(new RepoName("acme", "prod")); RevWalk walk = new RevWalk(repo)) {
            RevCommit head = walk.parseCommit(f.main("prod"));
            assertEquals(1, head.getParentCount());
            assertTrue(head.getFullMessage().startsWith("Promote qa@"));
            assertTrue(walk.parseCommit(head.getParent(0)).getFullMessage().startsWith("prod"), "exactly one promotion");
        }
    }

    @Test
    void anApprovalStageNeedsThatManyOwnersAndIsRebuiltWhenMainMoved() throws Exception {
        f.pipelines.replace("acme", "olga", "line-1", PipelineFixture.json("{\"name\":\"line-1\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\"},{\"name\":\"qa\",\"instance\":\"qa\",\"approval\":{\"required\":2}}]}"));
        f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        Run run = awaitApproval(engine.deploy("acme", "line-1", "dev", Optional.empty(), "mia", "api"));
        assertEquals(2, f.reviews.get("acme", run.reviewId()).orElseThrow().requiredApprovals());

        ObjectId moved = f.commit("qa", PipelineFixture.flows("[]").with("settings.json", "{\"new\":true}"), "qa moved");
        engine.onMainMoved("acme", "qa", null, moved.name(), "someone");
        await("the candidate rebuilt on the new main").atMost(PipelineFixture.TIMEOUT).pollInterval(Duration.ofMillis(10))
                .until(() -> f.reviews.get("acme", run.reviewId()).orElseThrow().base(), moved.name()::equals);
        reviews.approve("acme", run.reviewId(), OLGA);
        assertEquals(RunStatus.AWAITING_APPROVAL, f.runs.get("acme", run.id()).orElseThrow().status());
        reviews.approve("acme", run.reviewId(), OSCAR);
        Run done = f.awaitEnd(run.id());
        assertEquals(RunStatus.SUCCEEDED, done.status());
        try (Repository repo = f.repos.open(new RepoName("acme", "qa")); RevWalk walk = new RevWalk(repo)) {
            RevCommit head = walk.parseCommit(f.main("qa"));
            assertEquals(moved, head.getParent(0), "the promotion was rebuilt on the moved main (no merge)");
            assertEquals(1, head.getParentCount());
        }
        assertEquals(PipelineFixture.flows(FLOWS).with("settings.json", "{\"new\":true}"),
                f.snapshot("qa", f.main("qa")));
        assertEquals(ReviewState.MERGED, f.reviews.get("acme", run.reviewId()).orElseThrow().state());
    }

    @Test
    void afterACrashRunningRunsAreResolvedByTheTargetRefAndQueuedRunsResume() throws Exception {
        engine.close();
        ObjectId dev = f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        Promoter promoter = new Promoter(f.repos, f.clock);

        Run applied = f.runs.create(Run.queued("acme", "line-1", "dev", "dev", "qa", "use_latest_snapshot", "olga"));
        Promoter.Candidate c = promoter.promotion("acme", new Promoter.Source("dev", dev, null), "qa", null,
                new Promoter.Trailers("line-1", "dev", applied.id(), "olga"));
        assertTrue(promoter.apply(c, "olga", "applied, then the server stopped before storing the run"));
        Run appliedRunning = f.runs.create(Run.queued("acme", "line-1", "dev", "dev", "qa", "use_latest_snapshot", "olga"));
        Promoter.Candidate c2 = promoter.promotion("acme", new Promoter.Source("dev", dev, null), "qa", null,
                new Promoter.Trailers("line-1", "dev", appliedRunning.id(), "olga"));
        f.runs.update("acme", appliedRunning.id(), r -> r.started(f.clock.instant()));
        assertTrue(promoter.apply(c2, "olga", "applied while running"));

        Run notApplied = f.runs.create(Run.queued("acme", "line-1", "dev", "dev", "qa", "use_latest_snapshot", "olga"));
        f.runs.update("acme", notApplied.id(), r -> r.started(f.clock.instant())
                .withCommits(dev.name(), c2.commit().name(), null));
        List<Run> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(f.runs.create(Run.queued("acme", "line-1", "dev", "dev", "qa", "use_latest_snapshot", "olga")));
        }

        engine = f.engine(MainMovedListener.NONE);
        engine.start();
        Run recovered = f.runs.get("acme", applied.id()).orElseThrow();
        assertEquals(RunStatus.SUCCEEDED, recovered.status(), "a queued run whose commit is on main is not run again");
        assertEquals(c.commit().name(), recovered.targetAfter());
        assertEquals(RunStatus.SUCCEEDED, f.runs.get("acme", appliedRunning.id()).orElseThrow().status());
        Run failed = f.runs.get("acme", notApplied.id()).orElseThrow();
        assertEquals(RunStatus.FAILED, failed.status());
        assertEquals("server stopped during the run", failed.error());
        // the first resumed run was built on c2: the failed run left the target as it was
        String previous = c2.commit().name();
        for (Run q : queued) {
            Run done = f.awaitEnd(q.id());
            assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
            assertEquals(previous, done.targetBefore(), "queued runs resume in order");
            previous = done.targetAfter();
        }
        assertEquals(previous, f.main("qa").name());
        // now that the last resumed run has ended, the target's history shows what ran: the two applied runs
        // were not run again and the failed one never moved it
        List<String> ranNewestFirst = new ArrayList<>();
        try (Repository repo = f.repos.open(new RepoName("acme", "qa")); RevWalk walk = new RevWalk(repo)) {
            walk.markStart(walk.parseCommit(f.main("qa")));
            for (RevCommit commit : walk) {
                ranNewestFirst.addAll(commit.getFooterLines("Flowstage-Run"));
            }
        }
        assertEquals(List.of(queued.get(2).id(), queued.get(1).id(), queued.get(0).id(), appliedRunning.id(),
                applied.id()), ranNewestFirst);
    }

    @Test
    void whileRecoveryRunsInTheBackgroundADeployWaitsAndRunsAfterTheRecoveredQueue() throws Exception {
        engine.close();
        f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        List<Run> queued = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            queued.add(f.runs.create(Run.queued("acme", "line-1", "dev", "dev", "qa", "use_latest_snapshot", "olga")));
        }
        CountDownLatch release = new CountDownLatch(1);
        RunStore slowRecovery = new RunStore() {
            @Override
            public Run create(Run run) {
                return f.runs.create(run);
            }

            @Override
            public Optional<Run> get(String team, String id) {
                return f.runs.get(team, id);
            }

            @Override
            public List<Run> list(String team, String pipelineOrNull, int limit, String afterIdOrNull) {
                return f.runs.list(team, pipelineOrNull, limit, afterIdOrNull);
            }

            @Override
            public Run update(String team, String id, UnaryOperator<Run> edit) {
                return f.runs.update(team, id, edit);
            }

            @Override
            public List<Run> pending(String team) {
                return f.runs.pending(team);
            }

            @Override
            public List<Run> allNonTerminal() {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return f.runs.allNonTerminal();
            }
        };
        engine = new PipelineEngine(f.teams, slowRecovery, f.reviews, f.repos, f.secrets, f.clock,
                MainMovedListener.NONE, LiveCapture.NONE, 4);
        CompletableFuture<Void> recovery = engine.startInBackground();
        FutureTask<Run> deploy = new FutureTask<>(
                () -> engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api"));
        Thread caller = new Thread(deploy, "deploy-caller");
        caller.start();
        try {
            PipelineFixture.awaitParkedIn(caller, RecoveryGate.class, "await");
            assertFalse(deploy.isDone(), "a deploy must wait for start-up recovery");
            assertEquals(2, f.runs.list("acme", "line-1", 10, null).size(), "and stores no run meanwhile");
            assertFalse(recovery.isDone());
            release.countDown();
            Run fresh = deploy.get(30, TimeUnit.SECONDS);
            recovery.get(30, TimeUnit.SECONDS);
            List<Run> inOrder = new ArrayList<>(queued);
            inOrder.add(fresh);
            String previous = null;
            for (Run r : inOrder) {
                Run done = f.awaitEnd(r.id());
                assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
                if (previous != null) {
                    assertEquals(previous, done.targetBefore(), "recovered runs first, then the new deploy");
                }
                previous = done.targetAfter();
            }
            assertEquals(previous, f.main("qa").name());
        } finally {
            release.countDown();
            caller.interrupt();
        }
    }

    @Test
    void aReviewDecidedWhileTheServerWasDownFinishesItsRunAtStart() throws Exception {
        Run run = awaitApproval(engine.deploy("acme", "line-1", "qa", Optional.empty(), "olga", "api"));
        engine.close();
        ReviewService withoutEngine = f.reviewService();
        withoutEngine.approve("acme", run.reviewId(), OSCAR);
        assertEquals(RunStatus.AWAITING_APPROVAL, f.runs.get("acme", run.id()).orElseThrow().status());
        engine = f.engine(MainMovedListener.NONE);
        engine.start();
        Run done = f.runs.get("acme", run.id()).orElseThrow();
        assertEquals(RunStatus.SUCCEEDED, done.status());
        assertEquals(f.main("prod").name(), done.targetAfter());
    }

    private Run awaitApproval(Run queued) {
        return f.await(queued.id(), r -> r.status() != RunStatus.QUEUED && r.status() != RunStatus.RUNNING);
    }
}
