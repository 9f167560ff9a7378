package dev.flowstage.hooks.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.devices.DeviceState;
import dev.flowstage.hooks.devices.DeviceStatusStore;
import dev.flowstage.hooks.events.EventPublisher;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.fleet.Fleet;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.run.LogLine;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import dev.flowstage.storage.signing.CommitSignatures;
import dev.flowstage.storage.signing.SigningKey;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Staged rollouts on the engine with real repositories and a status store fed by the test: waves advance on
 * reports, an error counts at once, a timeout counts the wave's silent devices as failed, past the threshold
 * the wave goes back, and a restarted engine resumes the wave timed from its stored start.
 */
class RolloutsTest {
    private static final List<String> DEVICES = List.of("pi-00", "pi-01", "pi-02", "pi-03", "pi-04", "pi-05",
            "pi-06", "pi-07", "pi-08", "pi-09");

    @TempDir
    Path dir;

    private PipelineFixture f;
    private final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
    private DeviceStatusStore statuses;
    private Fleet fleet;
    private CommitSignatures signer;
    private PipelineEngine engine;

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        private volatile Instant now;

        TestClock(Instant start) {
            now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        f = new PipelineFixture(dir);
        SigningKey key = SigningKey.loadOrCreate(dir.resolve("signing/key.asc"), "Flowstage test", Instant.now());
        signer = new CommitSignatures(key, clock);
        statuses = DeviceStatusStore.inMemory(EventPublisher.NONE, clock);
        fleet = new Fleet(f.teams, f.repos, (team, moves, actor) -> { });
        f.targetListeners.add(fleet);
        f.teams.edit("acme", "olga", "fleet", c -> c.withTarget("pis", target(TargetKind.GROUP, "pis", null)));
        f.repos.create(new RepoName("acme", "pis")).close();
        for (String d : DEVICES) {
            f.teams.edit("acme", "olga", "device " + d, c -> c.withTarget(d, target(TargetKind.DEVICE, d, "pis")));
            f.repos.create(new RepoName("acme", d)).close();
        }
        engine = newEngine();
    }

    @AfterEach
    void tearDown() throws Exception {
        engine.close();
        f.close();
    }

    private PipelineEngine newEngine() {
        PipelineEngine e = new PipelineEngine(f.teams, f.runs, f.reviews, f.repos, f.secrets, clock,
                MainMovedListener.NONE, LiveCapture.NONE, 4, new PipelineEngine.Devices(fleet, signer, statuses,
                statuses));
        e.start();
        return e;
    }

    @Test
    void wavesAdvanceAsTheirDevicesReportRunningAndTheNextRunWaits() throws Exception {
        pipeline(3600, 0);
        f.commit("dev", PipelineFixture.flows("[]"), "one");
        String id = deploy();
        Run one = wave(id, 1);
        ObjectId commit = f.main("pis");
        assertEquals(RunStatus.RUNNING, one.status());
        assertEquals(commit, f.main("pi-00"), "10% of ten devices: the first by name");
        assertNull(f.main("pi-01"), "later waves wait");
        assertEquals(1, one.rollout().pending());
        assertEquals(1, one.rollout().offline(), "pi-00 has never reported");

        // a second deploy of the pipeline waits in the queue while the rollout goes on
        String queued = engine.deploy("acme", "fleet", "dev", Optional.empty(), "olga", "api").id();
        running("pi-00", commit);
        Run two = wave(id, 2);
        assertEquals(List.of("pi-01", "pi-02", "pi-03", "pi-04"), movedTo(commit).subList(1, 5));
        assertNull(f.main("pi-05"));
        assertEquals(1, two.rollout().onTarget());
        assertEquals(RunStatus.QUEUED, f.runs.get("acme", queued).orElseThrow().status(),
                "the pipeline's next run waits for the rollout");

        // a report of another commit (what the device ran before) does not count
        statuses.report("acme", "pi-01", ObjectId.zeroId().name(), DeviceState.RUNNING, null, null);
        for (String d : List.of("pi-01", "pi-02", "pi-03", "pi-04")) {
            running(d, commit);
        }
        wave(id, 3);
        for (String d : DEVICES.subList(5, 10)) {
            running(d, commit);
        }
        Run done = f.awaitEnd(id);
        assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
        assertEquals(DEVICES, movedTo(commit));
        assertEquals(10, done.rollout().onTarget());
        assertEquals(0, done.rollout().failed());
        assertTrue(lines(done).contains("Rollout done: 10 of 10 device(s) running " + commit.name().substring(0, 7)),
                lines(done).toString());
        // the queued run starts now, with a rollout of its own
        Run next = wave(queued, 1);
        assertEquals(RunStatus.RUNNING, next.status(), next.toString());
        assertEquals(f.main("pis"), f.main("pi-00"));
    }

    @Test
    void anErrorPastTheThresholdStopsAtOncePutsTheWaveBackAndLeavesLaterWavesAlone() throws Exception {
        ObjectId first = rolledOut(3600, 20);
        f.commit("dev", PipelineFixture.flows("[{\"id\":\"n2\",\"type\":\"debug\"}]"), "two");
        String id = deploy();
        wave(id, 1);
        ObjectId second = f.main("pis");
        running("pi-00", second);
        wave(id, 2);
        assertEquals(second, f.main("pi-03"));
        // one of four is 25%, over the 20% allowed: no need to wait for the others
        statuses.report("acme", "pi-02", second.name(), DeviceState.ERROR, "Node-RED rejected the flows", null);
        Run failed = f.awaitEnd(id);
        assertEquals(RunStatus.FAILED, failed.status());
        assertEquals("rollout stopped at wave 2 of 3: 1 of 4 device(s) failed, over the 20% allowed", failed.error());
        assertTrue(lines(failed).contains("Wave 2 of 3 failed: 1 of 4 device(s) failed (1 reported error): pi-02;"
                + " the wave's 4 device(s) were put back to their previous commit; 5 device(s) of later waves were"
                + " not moved"), lines(failed).toString());
        assertEquals(4, failed.rollout().putBack());
        assertEquals(second, f.main("pi-00"), "the wave that succeeded stays");
        for (String d : DEVICES.subList(1, 10)) {
            assertEquals(first, f.main(d), d + " is on the previous commit");
        }

        // rolling the stopped rollout back puts the group and the devices it moved back
        Run back = f.awaitEnd(engine.rollback("acme", "fleet", id, "olga", Role.OWNER).id());
        assertEquals(RunStatus.SUCCEEDED, back.status(), back.toString());
        for (String d : DEVICES) {
            assertEquals(f.snapshot("pis", f.main("pis")), f.snapshot(d, f.main(d)), d);
        }
        assertEquals(PipelineFixture.flows("[]"), f.snapshot("pi-00", f.main("pi-00")));
    }

    @Test
    void failuresWithinTheThresholdAreLoggedAndTheRolloutGoesOn() throws Exception {
        rolledOut(3600, 50);
        f.commit("dev", PipelineFixture.flows("[{\"id\":\"n5\",\"type\":\"debug\"}]"), "five");
        String id = deploy();
        wave(id, 1);
        ObjectId commit = f.main("pis");
        running("pi-00", commit);
        wave(id, 2);
        statuses.report("acme", "pi-02", commit.name(), DeviceState.ERROR, "a node is missing", null);
        for (String d : List.of("pi-01", "pi-03", "pi-04")) {
            running(d, commit);
        }
        wave(id, 3);
        DEVICES.subList(5, 10).forEach(d -> running(d, commit));
        Run done = f.awaitEnd(id);
        assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
        assertTrue(lines(done).contains("Wave 2: 1 of 4 device(s) failed (pi-02), within the 50% allowed: going on"),
                lines(done).toString());
        assertTrue(lines(done).contains("Rollout done: 9 of 10 device(s) running " + commit.name().substring(0, 7)
                + ", 1 failed"), lines(done).toString());
        assertEquals(1, done.rollout().failed());
        assertEquals(DEVICES, movedTo(commit), "a device that failed within the threshold keeps the new commit");
    }

    @Test
    void anApprovedGroupDeployRollsOutInWaves() throws Exception {
        dev.flowstage.hooks.review.ReviewService reviews = f.reviewService();
        reviews.addListener(engine);
        f.pipeline("{\"name\":\"fleet\",\"application\":\"factory\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"},"
                + "{\"name\":\"pis\",\"group\":\"pis\",\"approval\":{\"required\":1},"
                + "\"rollout\":{\"waves\":[10,50,100],\"waitForRunning\":3600,\"abortOnFailurePercent\":0}}]}");
        f.commit("dev", PipelineFixture.flows("[]"), "one");
        String id = deploy();
        Run waiting = f.await(id, r -> r.status() == RunStatus.AWAITING_APPROVAL);
        reviews.approve("acme", waiting.reviewId(), new dev.flowstage.hooks.access.UserPrincipal("oscar", false,
                dev.flowstage.storage.meta.TokenScope.WRITE));
        Run one = wave(id, 1);
        assertEquals(RunStatus.RUNNING, one.status(), one.toString());
        ObjectId commit = f.main("pis");
        assertEquals(List.of("pi-00"), movedTo(commit), "the approval starts the first wave only");
        running("pi-00", commit);
        wave(id, 2);
        DEVICES.subList(1, 5).forEach(d -> running(d, commit));
        wave(id, 3);
        DEVICES.subList(5, 10).forEach(d -> running(d, commit));
        Run done = f.awaitEnd(id);
        assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
        assertEquals(DEVICES, movedTo(commit));
    }

    @Test
    void devicesSilentAtTheTimeoutFailAndTheWaveGoesBack() throws Exception {
        ObjectId first = rolledOut(3600, 50);
        f.pipelines.replace("acme", "olga", "fleet", PipelineFixture.json(pipelineJson(1, 50)));
        f.commit("dev", PipelineFixture.flows("[{\"id\":\"n3\",\"type\":\"debug\"}]"), "three");
        String id = deploy();
        Run failed = f.awaitEnd(id);
        assertEquals(RunStatus.FAILED, failed.status());
        assertTrue(lines(failed).contains("Wave 1 of 3 failed: 1 of 1 device(s) failed (1 did not report running"
                + " within 1 s): pi-00; the wave's 1 device(s) were put back to their previous commit; 9 device(s) of"
                + " later waves were not moved"), lines(failed).toString());
        for (String d : DEVICES) {
            assertEquals(first, f.main(d), d);
        }
    }

    @Test
    void aRestartedEngineResumesTheWaveTimedFromItsStoredStart() throws Exception {
        ObjectId first = rolledOut(600, 0);
        f.commit("dev", PipelineFixture.flows("[{\"id\":\"n4\",\"type\":\"debug\"}]"), "four");
        String id = deploy();
        wave(id, 1);
        ObjectId second = f.main("pis");
        running("pi-00", second);
        wave(id, 2);
        engine.close();

        // reports that arrive while the engine is down are in the status store when it comes back
        for (String d : List.of("pi-01", "pi-02", "pi-03", "pi-04")) {
            running(d, second);
        }
        engine = newEngine();
        Run three = wave(id, 3);
        assertEquals(RunStatus.RUNNING, three.status());
        assertTrue(lines(three).contains("Server restarted during the rollout: resuming wave 2 of 3"),
                lines(three).toString());
        assertEquals(second, f.main("pi-09"));
        engine.close();

        // down past the wave's deadline: the resumed wave times out at once, its silent devices go back
        clock.advance(Duration.ofSeconds(601));
        engine = newEngine();
        Run failed = f.awaitEnd(id);
        assertEquals(RunStatus.FAILED, failed.status(), failed.toString());
        assertEquals("rollout stopped at wave 3 of 3: 5 of 5 device(s) failed, over the 0% allowed", failed.error());
        for (String d : DEVICES.subList(0, 5)) {
            assertEquals(second, f.main(d), d);
        }
        for (String d : DEVICES.subList(5, 10)) {
            assertEquals(first, f.main(d), d);
        }
    }

    @Test
    void anApprovedRolloutHoldsTheQueueUntilItEnds() throws Exception {
        approvalPipeline("queue");
        f.commit("dev", PipelineFixture.flows("[]"), "one");
        String id = deploy();
        approve(id);
        Run one = wave(id, 1);
        assertEquals(RunStatus.RUNNING, one.status(), one.toString());
        ObjectId commit = f.main("pis");

        // the pipeline's next run waits for the approved rollout, as it does for one that needed no approval
        f.commit("dev", PipelineFixture.flows("[{\"id\":\"n6\",\"type\":\"debug\"}]"), "six");
        String next = deploy();
        running("pi-00", commit);
        wave(id, 2);
        DEVICES.subList(1, 5).forEach(d -> running(d, commit));
        wave(id, 3);
        assertEquals(RunStatus.QUEUED, f.runs.get("acme", next).orElseThrow().status(),
                "the pipeline's next run waits while the approved rollout's waves move");
        assertNull(f.runs.get("acme", next).orElseThrow().reviewId(), "it has not even opened its review");
        DEVICES.subList(5, 10).forEach(d -> running(d, commit));
        Run done = f.awaitEnd(id);
        assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
        assertEquals(DEVICES, movedTo(commit), "nothing else moved the group's devices meanwhile");
        Run waiting = f.await(next, r -> r.status() != RunStatus.QUEUED && r.status() != RunStatus.RUNNING);
        assertEquals(RunStatus.AWAITING_APPROVAL, waiting.status(), "the next run goes on once the rollout ended");
    }

    @Test
    void aRolloutApprovedWhileAnotherOfThePipelineGoesOnWaitsForItsTurn() throws Exception {
        approvalPipeline("queue");
        f.commit("dev", PipelineFixture.flows("[]"), "one");
        String id = deploy();
        f.await(id, r -> r.status() == RunStatus.AWAITING_APPROVAL);
        // a run awaiting approval does not hold the queue: a second deploy opens its own review meanwhile
        f.commit("dev", PipelineFixture.flows("[{\"id\":\"n9\",\"type\":\"debug\"}]"), "nine");
        String later = deploy();
        f.await(later, r -> r.status() == RunStatus.AWAITING_APPROVAL);
        approve(id);
        wave(id, 1);
        ObjectId first = f.main("pi-00");

        approve(later);
        Run waits = f.await(later, r -> lines(r).stream().anyMatch(l -> l.startsWith("The rollout starts when")));
        assertEquals(RunStatus.RUNNING, waits.status(), waits.toString());
        assertTrue(lines(waits).contains("The rollout starts when the pipeline's run going on now has ended"
                + " (concurrency queue)"), lines(waits).toString());
        assertNull(waits.rollout(), "no wave of the later rollout moves while the earlier one goes on");
        ObjectId second = f.main("pis");
        assertTrue(!second.equals(first), "the approval put the later commit on the group's main");

        running("pi-00", first);
        wave(id, 2);
        DEVICES.subList(1, 5).forEach(d -> running(d, first));
        wave(id, 3);
        assertEquals(List.of("pi-00", "pi-01", "pi-02", "pi-03", "pi-04", "pi-05", "pi-06", "pi-07", "pi-08",
                "pi-09"), movedTo(first), "the earlier rollout moves its own commit, undisturbed");
        assertNull(f.runs.get("acme", later).orElseThrow().rollout());
        DEVICES.subList(5, 10).forEach(d -> running(d, first));
        assertEquals(RunStatus.SUCCEEDED, f.awaitEnd(id).status());

        // its turn: the later rollout's waves move the group on to the approved commit
        Run one = wave(later, 1);
        assertEquals(RunStatus.RUNNING, one.status(), one.toString());
        assertEquals(second, f.main("pi-00"));
        assertEquals(first, f.main("pi-01"));
        running("pi-00", second);
        wave(later, 2);
        DEVICES.subList(1, 5).forEach(d -> running(d, second));
        wave(later, 3);
        DEVICES.subList(5, 10).forEach(d -> running(d, second));
        assertEquals(RunStatus.SUCCEEDED, f.awaitEnd(later).status());
        assertEquals(DEVICES, movedTo(second));
    }

    @Test
    void atARestartTheResumedRolloutGoesFirstThenTheApprovedOneWaitingForItsTurnThenTheQueuedRun() throws Exception {
        approvalPipeline("queue");
        f.commit("dev", PipelineFixture.flows("[]"), "one");
        String id = deploy();
        f.await(id, r -> r.status() == RunStatus.AWAITING_APPROVAL);
        f.commit("dev", PipelineFixture.flows("[{\"id\":\"n10\",\"type\":\"debug\"}]"), "ten");
        String later = deploy();
        f.await(later, r -> r.status() == RunStatus.AWAITING_APPROVAL);
        approve(id);
        wave(id, 1);
        ObjectId first = f.main("pi-00");
        approve(later);
        f.await(later, r -> lines(r).stream().anyMatch(l -> l.startsWith("The rollout starts when")));
        ObjectId second = f.main("pis");
        String queued = deploy();
        engine.close();

        engine = newEngine();
        f.await(id, r -> lines(r).contains("Server restarted during the rollout: resuming wave 1 of 3"));
        running("pi-00", first);
        wave(id, 2);
        assertNull(f.runs.get("acme", later).orElseThrow().rollout(), "the approved rollout still waits its turn");
        assertEquals(RunStatus.QUEUED, f.runs.get("acme", queued).orElseThrow().status());
        DEVICES.subList(1, 10).forEach(d -> running(d, first));
        assertEquals(RunStatus.SUCCEEDED, f.awaitEnd(id).status());

        Run one = wave(later, 1);
        assertEquals(RunStatus.RUNNING, one.status(), one.toString());
        assertEquals(second.name(), one.rollout().commit(), "it rolls out what the approval put on the group's main");
        assertEquals(second, f.main("pi-00"));
        assertEquals(RunStatus.QUEUED, f.runs.get("acme", queued).orElseThrow().status(),
                "the queued run waits for the approved rollout too");
        running("pi-00", second);
        wave(later, 2);
        DEVICES.subList(1, 5).forEach(d -> running(d, second));
        wave(later, 3);
        DEVICES.subList(5, 10).forEach(d -> running(d, second));
        assertEquals(RunStatus.SUCCEEDED, f.awaitEnd(later).status());
        assertEquals(RunStatus.AWAITING_APPROVAL,
                f.await(queued, r -> r.status() == RunStatus.AWAITING_APPROVAL).status());
    }

    @Test
    void anApprovedRolloutResumedAfterARestartHoldsTheQueueUntilItIsPutBack() throws Exception {
        ObjectId first = rolledOut(3600, 0);
        f.pipelines.replace("acme", "olga", "fleet", PipelineFixture.json(approvalPipelineJson("queue")));
        f.commit("dev", PipelineFixture.flows("[{\"id\":\"n7\",\"type\":\"debug\"}]"), "seven");
        String id = deploy();
        approve(id);
        wave(id, 1);
        ObjectId second = f.main("pis");
        String next = deploy();
        running("pi-00", second);
        wave(id, 2);
        assertEquals(RunStatus.QUEUED, f.runs.get("acme", next).orElseThrow().status());
        engine.close();

        engine = newEngine();
        Run resumed = f.await(id, r -> lines(r).contains("Server restarted during the rollout: resuming wave 2 of 3"));
        assertEquals(RunStatus.RUNNING, resumed.status(), resumed.toString());
        running("pi-01", second);
        running("pi-02", second);
        assertEquals(RunStatus.QUEUED, f.runs.get("acme", next).orElseThrow().status(),
                "the recovered rollout holds the queue as the one before the restart did");
        statuses.report("acme", "pi-03", second.name(), DeviceState.ERROR, "a node is missing", null);
        Run failed = f.awaitEnd(id);
        assertEquals(RunStatus.FAILED, failed.status(), failed.toString());
        for (String d : DEVICES.subList(1, 10)) {
            assertEquals(first, f.main(d), d + " was put back or never moved");
        }
        Run waiting = f.await(next, r -> r.status() != RunStatus.QUEUED && r.status() != RunStatus.RUNNING);
        assertEquals(RunStatus.AWAITING_APPROVAL, waiting.status(), "the next run starts once the wave was put back");
    }

    @Test
    void aDirectRolloutResumedAfterARestartHoldsTheQueueUntilItEnds() throws Exception {
        pipeline(3600, 0);
        f.commit("dev", PipelineFixture.flows("[]"), "one");
        String id = deploy();
        wave(id, 1);
        ObjectId commit = f.main("pis");
        String next = deploy();
        engine.close();

        engine = newEngine();
        f.await(id, r -> lines(r).contains("Server restarted during the rollout: resuming wave 1 of 3"));
        running("pi-00", commit);
        wave(id, 2);
        DEVICES.subList(1, 5).forEach(d -> running(d, commit));
        wave(id, 3);
        assertEquals(RunStatus.QUEUED, f.runs.get("acme", next).orElseThrow().status());
        DEVICES.subList(5, 10).forEach(d -> running(d, commit));
        assertEquals(RunStatus.SUCCEEDED, f.awaitEnd(id).status());
        Run started = wave(next, 1);
        assertEquals(RunStatus.RUNNING, started.status(), started.toString());
    }

    @Test
    void forbidRefusesADeployWhileAnApprovedRolloutGoesOnBeforeAndAfterARestart() throws Exception {
        approvalPipeline("forbid");
        f.commit("dev", PipelineFixture.flows("[]"), "one");
        String id = deploy();
        approve(id);
        wave(id, 1);
        ObjectId commit = f.main("pis");
        String refused = "pipeline 'fleet' has run " + id + " queued, running or awaiting approval, and its"
                + " concurrency is forbid: try again when it ends";
        assertEquals(refused, assertThrows(MetaConflictException.class, this::deploy).getMessage());
        engine.close();

        engine = newEngine();
        f.await(id, r -> lines(r).contains("Server restarted during the rollout: resuming wave 1 of 3"));
        assertEquals(refused, assertThrows(MetaConflictException.class, this::deploy).getMessage());
        DEVICES.forEach(d -> running(d, commit));
        assertEquals(RunStatus.SUCCEEDED, f.awaitEnd(id).status());
        String after = deploy();
        assertEquals(RunStatus.AWAITING_APPROVAL,
                f.await(after, r -> r.status() == RunStatus.AWAITING_APPROVAL).status());
    }

    @Test
    void underAllowANewerRolloutOfTheGroupSupersedesTheOneInFlight() throws Exception {
        f.pipeline(pipelineJson(3600, 0).replace("\"application\":\"factory\",",
                "\"application\":\"factory\",\"concurrency\":\"allow\","));
        f.commit("dev", PipelineFixture.flows("[]"), "one");
        String id = deploy();
        wave(id, 1);
        ObjectId first = f.main("pis");
        running("pi-00", first);
        wave(id, 2);
        assertEquals(first, f.main("pi-04"));

        f.commit("dev", PipelineFixture.flows("[{\"id\":\"n8\",\"type\":\"debug\"}]"), "eight");
        String newer = deploy();
        Run older = f.awaitEnd(id);
        assertEquals(RunStatus.CANCELLED, older.status(), older.toString());
        Run one = wave(newer, 1);
        ObjectId second = f.main("pis");
        assertEquals("superseded by run " + newer + ", which rolls " + second.name().substring(0, 7)
                + " out to group pis: this rollout's waves stopped", older.error());
        assertEquals(RunStatus.RUNNING, one.status(), one.toString());
        assertEquals(second, f.main("pi-00"));
        assertEquals(first, f.main("pi-01"), "not put back: the newer rollout's waves move it on");
        assertNull(f.main("pi-05"), "the superseded rollout moves no more devices");

        // the older rollout's reports no longer decide anything; the newer one goes to the end
        running("pi-00", second);
        wave(newer, 2);
        DEVICES.subList(1, 5).forEach(d -> running(d, second));
        wave(newer, 3);
        DEVICES.subList(5, 10).forEach(d -> running(d, second));
        assertEquals(RunStatus.SUCCEEDED, f.awaitEnd(newer).status());
        assertEquals(DEVICES, movedTo(second));
        assertEquals(RunStatus.CANCELLED, f.runs.get("acme", id).orElseThrow().status());
    }

    @Test
    void anApprovedRollbackOfTheGroupStopsTheRolloutInFlightAndMovesEveryDevice() throws Exception {
        ObjectId first = rolledOut(3600, 0);
        f.commit("dev", PipelineFixture.flows("[{\"id\":\"n11\",\"type\":\"debug\"}]"), "eleven");
        String previous = deploy();
        rollAll(previous);
        f.pipelines.replace("acme", "olga", "fleet", PipelineFixture.json(approvalPipelineJson("queue")));
        // candidates of open reviews are rebuilt when the group's main moves, as the server wires it
        reviews = new dev.flowstage.hooks.review.ReviewService(f.reviews, f.repos,
                new dev.flowstage.hooks.access.TeamAccessControl(f.teams), f.clock,
                (team, target, oldSha, newSha, actor) -> engine.onMainMoved(team, target, oldSha, newSha, actor));
        reviews.addListener(engine);

        f.commit("dev", PipelineFixture.flows("[{\"id\":\"n12\",\"type\":\"debug\"}]"), "twelve");
        String id = deploy();
        f.await(id, r -> r.status() == RunStatus.AWAITING_APPROVAL);
        // a rollback requested while the deploy awaits approval opens its own review (the queue is free)
        String rollback = engine.rollback("acme", "fleet", previous, "olga", Role.OWNER).id();
        Run rollbackWaits = f.await(rollback, r -> r.status() == RunStatus.AWAITING_APPROVAL);
        approve(id);
        wave(id, 1);
        ObjectId third = f.main("pis");
        running("pi-00", third);
        wave(id, 2);
        await("the rollback's candidate rebuilt on the group's new main").atMost(PipelineFixture.TIMEOUT)
                .until(() -> f.reviews.get("acme", rollbackWaits.reviewId()).orElseThrow().base(), third.name()::equals);

        approve(rollback);
        Run back = f.awaitEnd(rollback);
        assertEquals(RunStatus.SUCCEEDED, back.status(), back.toString());
        Run cancelled = f.awaitEnd(id);
        assertEquals(RunStatus.CANCELLED, cancelled.status(), cancelled.toString());
        ObjectId restored = f.main("pis");
        assertEquals("superseded by run " + rollback + ", which moves every device of group pis to "
                + restored.name().substring(0, 7) + ": this rollout's waves stopped", cancelled.error());
        assertTrue(lines(cancelled).contains("Rollout superseded by run " + rollback + " (moving every device of group"
                + " pis to " + restored.name().substring(0, 7) + ") at wave 2 of 3: the 5 device(s) of its waves so"
                + " far are not put back, run " + rollback + " moves them all; 5 device(s) of later waves were not"
                + " moved"), lines(cancelled).toString());
        assertEquals(List.of(), movedTo(third), "no device is left on the cancelled rollout's commit");
        for (String d : DEVICES) {
            assertEquals(f.snapshot("pis", first), f.snapshot(d, f.main(d)), d + " runs what the group went back to");
        }
        // reports of the cancelled rollout's commit decide nothing any more
        running("pi-01", third);
        assertEquals(RunStatus.CANCELLED, f.runs.get("acme", id).orElseThrow().status());
    }

    /** Reviews decided through a service whose listener is the engine of the moment (it is replaced at restarts). */
    private dev.flowstage.hooks.review.ReviewService reviews;

    private void approve(String id) {
        if (reviews == null) {
            reviews = f.reviewService();
            reviews.addListener(new dev.flowstage.hooks.review.ReviewListener() {
                @Override
                public void onMerged(dev.flowstage.storage.review.Review review, String commit) {
                    engine.onMerged(review, commit);
                }

                @Override
                public void onRejected(dev.flowstage.storage.review.Review review) {
                    engine.onRejected(review);
                }
            });
        }
        Run waiting = f.await(id, r -> r.status() == RunStatus.AWAITING_APPROVAL);
        reviews.approve("acme", waiting.reviewId(), new dev.flowstage.hooks.access.UserPrincipal("oscar", false,
                dev.flowstage.storage.meta.TokenScope.WRITE));
    }

    private void approvalPipeline(String concurrency) {
        f.pipeline(approvalPipelineJson(concurrency));
    }

    private static String approvalPipelineJson(String concurrency) {
        return "{\"name\":\"fleet\",\"application\":\"factory\",\"concurrency\":\"" + concurrency + "\","
                + "\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"},"
                + "{\"name\":\"pis\",\"group\":\"pis\",\"approval\":{\"required\":1},"
                + "\"rollout\":{\"waves\":[10,50,100],\"waitForRunning\":3600,\"abortOnFailurePercent\":0}}]}";
    }

    /** A first rollout that every device takes; returns its commit. */
    private ObjectId rolledOut(int waitForRunning, int abortOnFailurePercent) throws Exception {
        pipeline(waitForRunning, abortOnFailurePercent);
        f.commit("dev", PipelineFixture.flows("[]"), "one");
        return rollAll(deploy());
    }

    /** Every device of run {@code id}'s rollout reports running, wave by wave; returns the commit. */
    private ObjectId rollAll(String id) throws Exception {
        wave(id, 1);
        ObjectId commit = f.main("pis");
        running("pi-00", commit);
        wave(id, 2);
        DEVICES.subList(1, 5).forEach(d -> running(d, commit));
        wave(id, 3);
        DEVICES.subList(5, 10).forEach(d -> running(d, commit));
        assertEquals(RunStatus.SUCCEEDED, f.awaitEnd(id).status());
        return commit;
    }

    private void pipeline(int waitForRunning, int abortOnFailurePercent) {
        f.pipeline(pipelineJson(waitForRunning, abortOnFailurePercent));
    }

    private static String pipelineJson(int waitForRunning, int abortOnFailurePercent) {
        return ("{\"name\":\"fleet\",\"application\":\"factory\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"},"
                + "{\"name\":\"pis\",\"group\":\"pis\",\"rollout\":{\"waves\":[10,50,100],\"waitForRunning\":"
                + waitForRunning + ",\"abortOnFailurePercent\":" + abortOnFailurePercent + "}}]}");
    }

    private String deploy() {
        return engine.deploy("acme", "fleet", "dev", Optional.empty(), "olga", "api").id();
    }

    private Run wave(String id, int wave) {
        return f.await(id, r -> r.status().isTerminal() || r.rollout() != null && r.rollout().wave() == wave
                && lines(r).stream().anyMatch(l -> l.startsWith("Wave " + wave + " of")));
    }

    private void running(String device, ObjectId commit) {
        statuses.report("acme", device, commit.name(), DeviceState.RUNNING, null, null);
    }

    private List<String> movedTo(ObjectId commit) throws IOException {
        List<String> on = new ArrayList<>();
        for (String d : DEVICES) {
            if (commit.equals(f.main(d))) {
                on.add(d);
            }
        }
        return on;
    }

    private static Target target(TargetKind kind, String name, String group) {
        return new Target(kind, name, "factory", false, null, null, null, group, Instant.EPOCH);
    }

    private static List<String> lines(Run r) {
        return r.log().stream().map(LogLine::message).toList();
    }
}
