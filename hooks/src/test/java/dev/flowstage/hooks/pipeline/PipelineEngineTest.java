package dev.flowstage.hooks.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineEngineTest {
    private static final String FLOWS = "[{\"id\":\"t1\",\"type\":\"tab\"}]";

    @TempDir
    Path dir;
    private PipelineFixture f;
    private PipelineEngine engine;
    private final List<String> moved = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        f = new PipelineFixture(dir);
        engine = f.engine((team, target, oldSha, newSha, actor) -> moved.add(target + " " + newSha + " " + actor));
    }

    @AfterEach
    void tearDown() throws Exception {
        engine.close();
        f.close();
    }

    @Test
    void aDeployPromotesTheLatestSnapshotIntoTheNextStageAndRecordsTheRun() throws Exception {
        f.line("queue", "use_latest_snapshot");
        ObjectId dev = f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        Run queued = engine.deploy("acme", "line-1", "dev", Optional.empty(), "mia", PipelineRunner.API);
        assertEquals(RunStatus.QUEUED, queued.status());
        Run done = f.awaitEnd(queued.id());
        assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
        assertEquals(dev.name(), done.sourceCommit());
        assertNull(done.targetBefore());
        assertEquals(f.main("qa").name(), done.targetAfter());
        assertEquals("mia", done.actor());
        assertEquals("dev", done.sourceTarget());
        assertEquals("qa", done.target());
        assertTrue(done.startedAt() != null && done.finishedAt() != null);
        assertEquals("Deploy of stage dev requested by mia (api)", done.log().get(0).message());
        assertEquals(List.of("qa " + done.targetAfter() + " mia"), moved);
        assertEquals(PipelineFixture.flows(FLOWS), f.snapshot("qa", f.main("qa")));
    }

    @Test
    void unknownPipelineStageAndTheLastStageAreRefusedClearly() {
        f.line("queue", "use_latest_snapshot");
        assertEquals("pipeline 'nope' does not exist in team 'acme'", assertThrows(MetaNotFoundException.class,
                () -> engine.deploy("acme", "nope", "dev", Optional.empty(), "olga", "api")).getMessage());
        assertEquals("stage 'stage-9' does not exist in pipeline 'line-1'", assertThrows(MetaNotFoundException.class,
                () -> engine.deploy("acme", "line-1", "stage-9", Optional.empty(), "olga", "api")).getMessage());
        assertEquals("stage 'prod' is the last stage of pipeline 'line-1': there is nothing after it to deploy to",
                assertThrows(MetaInvalidException.class,
                        () -> engine.deploy("acme", "line-1", "prod", Optional.empty(), "olga", "api")).getMessage());
    }

    @Test
    void membersCannotDeployIntoProtectedStagesAndViewersCannotDeployAtAll() throws Exception {
        f.line("queue", "use_latest_snapshot");
        assertEquals("instance 'prod' is protected: only owners deploy into it", assertThrows(
                PipelineForbiddenException.class,
                () -> engine.deploy("acme", "line-1", "qa", Optional.empty(), "mia", "api")).getMessage());
        assertEquals("viewers cannot run pipelines: to deploy into instance 'qa' you need the member role",
                assertThrows(PipelineForbiddenException.class,
                        () -> engine.deploy("acme", "line-1", "dev", Optional.empty(), "vic", "api")).getMessage());
        assertThrows(PipelineForbiddenException.class,
                () -> engine.deploy("acme", "line-1", "dev", Optional.empty(), "eve", "push"));
        assertEquals(List.of(), f.runs.list("acme", null, 10, null), "a refused deploy leaves no run");
    }

    @Test
    void promptSnapshotNeedsASnapshotOfTheSourcesMain() throws Exception {
        f.line("queue", "prompt_snapshot");
        ObjectId first = f.commit("dev", PipelineFixture.flows(FLOWS), "first");
        f.commit("dev", PipelineFixture.flows("[]"), "second");
        ObjectId foreign = f.commit("qa", PipelineFixture.flows("[]"), "qa's own");
        assertEquals("stage 'dev' uses prompt_snapshot: name the snapshot to deploy ({\"snapshot\": \"COMMIT-SHA\"})",
                assertThrows(MetaInvalidException.class,
                        () -> engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api")).getMessage());
        assertEquals("snapshot " + foreign.name() + " is not a commit on the main of instance 'dev'",
                assertThrows(MetaInvalidException.class, () -> engine.deploy("acme", "line-1", "dev",
                        Optional.of(foreign.name()), "olga", "api")).getMessage());
        assertEquals("snapshot 'abc' is not a full commit id (40 hex digits)", assertThrows(MetaInvalidException.class,
                () -> engine.deploy("acme", "line-1", "dev", Optional.of("abc"), "olga", "api")).getMessage());

        Run done = f.awaitEnd(engine.deploy("acme", "line-1", "dev", Optional.of(first.name()), "olga", "api").id());
        assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
        assertEquals(first.name(), done.sourceCommit());
        assertEquals(PipelineFixture.flows(FLOWS), f.snapshot("qa", f.main("qa")), "the older snapshot was deployed");
    }

    @Test
    void aSnapshotGivenToAStageThatChoosesItsOwnIsRefused() throws Exception {
        f.line("queue", "use_latest_snapshot");
        ObjectId dev = f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        assertEquals("stage 'dev' uses use_latest_snapshot, which chooses the snapshot itself: leave 'snapshot' out",
                assertThrows(MetaInvalidException.class, () -> engine.deploy("acme", "line-1", "dev",
                        Optional.of(dev.name()), "olga", "api")).getMessage());
    }

    @Test
    void aSourceWithoutSnapshotFailsTheRunWithTheReason() throws Exception {
        f.line("queue", "use_latest_snapshot");
        Run done = f.awaitEnd(engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api").id());
        assertEquals(RunStatus.FAILED, done.status());
        assertEquals("instance 'dev' has no snapshot yet (its main is empty)", done.error());
        assertNull(f.main("qa"));
    }

    @Test
    void createSnapshotWithoutALiveNodeRedUsesMainAndSaysSo() throws Exception {
        f.line("queue", "create_snapshot");
        ObjectId dev = f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        Run done = f.awaitEnd(engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api").id());
        assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
        assertEquals(dev.name(), done.sourceCommit());
        assertTrue(done.log().stream().anyMatch(l -> l.message().startsWith(
                "instance dev has no live Node-RED to capture here: used its current main")), done.log().toString());
    }

    @Test
    void queueRunsAHundredConcurrentDeploysOneAtATimeInOrder() throws Exception {
        f.line("queue", "use_latest_snapshot");
        f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        ExecutorService callers = Executors.newFixedThreadPool(16);
        List<Future<Run>> calls = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < 100; i++) {
            calls.add(callers.submit(() -> {
                go.await();
                return engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api");
            }));
        }
        go.countDown();
        List<String> ids = new ArrayList<>();
        for (Future<Run> c : calls) {
            ids.add(c.get(60, TimeUnit.SECONDS).id());
        }
        callers.shutdown();
        List<String> sorted = ids.stream().sorted().toList();
        assertEquals(100, sorted.stream().distinct().count());
        String previous = null;
        for (String id : sorted) {
            Run r = f.await(id, x -> x.status().isTerminal());
            assertEquals(RunStatus.SUCCEEDED, r.status(), r.toString());
            assertEquals(previous, r.targetBefore(), "run " + id + " ran right after the run before it");
            previous = r.targetAfter();
        }
        assertEquals(previous, f.main("qa").name());
        List<String> trailers = new ArrayList<>();
        try (Repository repo = f.repos.open(new RepoName("acme", "qa")); RevWalk walk = new RevWalk(repo)) {
            walk.markStart(walk.parseCommit(f.main("qa")));
            for (RevCommit c : walk) {
                trailers.add(0, c.getFooterLines("Flowstage-Run").get(0));
            }
        }
        assertEquals(sorted, trailers, "one promotion per run, in the order they were requested");
    }

    @Test
    void forbidRefusesADeployWhileARunIsPending() throws Exception {
        f.line("forbid", "use_latest_snapshot");
        f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        Run first = f.awaitEnd(engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api").id());
        assertEquals(RunStatus.SUCCEEDED, first.status());
        Run waiting = engine.deploy("acme", "line-1", "qa", Optional.empty(), "olga", "api");
        f.await(waiting.id(), r -> r.status() == RunStatus.AWAITING_APPROVAL);
        MetaConflictException busy = assertThrows(MetaConflictException.class,
                () -> engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api"));
        assertEquals("pipeline 'line-1' has run " + waiting.id() + " queued, running or awaiting approval, and its"
                + " concurrency is forbid: try again when it ends", busy.getMessage());
    }

    @Test
    void allowRunsDeploysInParallel() throws Exception {
        f.line("allow", "create_snapshot");
        f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        CyclicBarrier both = new CyclicBarrier(2);
        engine.close();
        engine = f.engine(MainMovedListener.NONE, (team, instance, runId, actor) -> {
            try {
                both.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the other run did not capture at the same time", e);
            }
            return Optional.empty();
        });
        Run a = engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api");
        Run b = engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api");
        assertEquals(RunStatus.SUCCEEDED, f.awaitEnd(a.id()).status(), f.awaitEnd(a.id()).toString());
        assertEquals(RunStatus.SUCCEEDED, f.awaitEnd(b.id()).status(), f.awaitEnd(b.id()).toString());
    }

    @Test
    void rollbackPutsTheTargetBackToItsTreeBeforeTheRunAsANewCommit() throws Exception {
        f.line("queue", "use_latest_snapshot");
        f.commit("dev", PipelineFixture.flows(FLOWS), "v1");
        Run one = f.awaitEnd(engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api").id());
        f.commit("dev", PipelineFixture.flows("[]"), "v2");
        Run two = f.awaitEnd(engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api").id());
        assertEquals(PipelineFixture.flows("[]"), f.snapshot("qa", f.main("qa")));

        Run back = f.awaitEnd(engine.rollback("acme", "line-1", two.id(), "mia", Role.MEMBER).id());
        assertEquals(RunStatus.SUCCEEDED, back.status(), back.toString());
        assertEquals(two.id(), back.rollbackOf());
        assertEquals(two.targetAfter(), back.targetBefore());
        try (Repository repo = f.repos.open(new RepoName("acme", "qa")); RevWalk walk = new RevWalk(repo)) {
            RevCommit head = walk.parseCommit(f.main("qa"));
            assertEquals(ObjectId.fromString(two.targetAfter()), head.getParent(0), "history is kept");
            assertEquals(walk.parseCommit(ObjectId.fromString(one.targetAfter())).getTree(), head.getTree());
        }
        assertEquals("run " + one.id() + " made the first commit of qa: there is no earlier snapshot to go back to",
                assertThrows(MetaInvalidException.class,
                        () -> engine.rollback("acme", "line-1", one.id(), "olga", Role.OWNER)).getMessage());
        assertThrows(MetaNotFoundException.class, () -> engine.rollback("acme", "line-1", "000099", "olga", Role.OWNER));
        assertThrows(PipelineForbiddenException.class,
                () -> engine.rollback("acme", "line-1", two.id(), "vic", Role.VIEWER));
    }

    @Test
    void webhookAndScheduleTriggersAreAuthorizedByThePipelineItself() throws Exception {
        f.line("queue", "use_latest_snapshot");
        f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        Run hooked = f.awaitEnd(engine.deploy("acme", "line-1", "dev", Optional.empty(), "webhook", "webhook").id());
        assertEquals(RunStatus.SUCCEEDED, hooked.status(), hooked.toString());
        assertEquals("Deploy of stage dev requested by webhook (webhook)", hooked.log().get(0).message());
        Run scheduled = engine.deploy("acme", "line-1", "qa", Optional.empty(), "schedule", "schedule");
        assertEquals(RunStatus.AWAITING_APPROVAL, f.await(scheduled.id(), r -> r.status() != RunStatus.QUEUED
                && r.status() != RunStatus.RUNNING).status(), "a protected target still needs an owner's approval");
        assertThrows(IllegalArgumentException.class,
                () -> engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "cron"));
    }

    @Test
    void stoppingLeavesQueuedRunsQueuedAndTheNextStartRunsThem() throws Exception {
        f.line("queue", "create_snapshot");
        f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        CountDownLatch capturing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        engine.close();
        engine = f.engine(MainMovedListener.NONE, (team, instance, runId, actor) -> {
            capturing.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        });
        Run first = engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api");
        Run second = engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api");
        Run third = engine.deploy("acme", "line-1", "dev", Optional.empty(), "olga", "api");
        assertTrue(capturing.await(10, TimeUnit.SECONDS));
        Thread closer = new Thread(() -> {
            try {
                engine.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "closer");
        closer.start();
        // the engine is closed (it starts no more runs) and waits for the executing one: only now let it end
        PipelineFixture.awaitParkedIn(closer, RunQueue.class, "close");
        release.countDown();
        closer.join(15_000);
        assertFalse(closer.isAlive(), "close() returned once the executing run ended");
        // close() has returned, so the pool is done: a queued run still queued now is one it will never start
        assertEquals(RunStatus.SUCCEEDED, f.runs.get("acme", first.id()).orElseThrow().status());
        assertEquals(RunStatus.QUEUED, f.runs.get("acme", second.id()).orElseThrow().status());
        assertEquals(RunStatus.QUEUED, f.runs.get("acme", third.id()).orElseThrow().status());

        engine = f.engine(MainMovedListener.NONE);
        engine.start();
        Run two = f.awaitEnd(second.id());
        Run three = f.awaitEnd(third.id());
        assertEquals(RunStatus.SUCCEEDED, three.status(), three.toString());
        assertEquals(two.targetAfter(), three.targetBefore(), "resumed in order");
    }
}
