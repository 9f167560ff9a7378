package dev.flowstage.hooks.pipeline;

import dev.flowstage.hooks.devices.ActiveCommits;
import dev.flowstage.hooks.devices.DeviceFleet;
import dev.flowstage.hooks.devices.DeviceStatusStore;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.fleet.Fleet;
import dev.flowstage.storage.signing.CommitSignatures;
import dev.flowstage.hooks.review.ReviewListener;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.review.ReviewStore;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStore;
import dev.flowstage.storage.secret.SecretBox;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline engine (SPEC §6) as the server and the API see it: wires {@link RunAdmission},
 * {@link RunQueue}, {@link ReviewOutcomes}, {@link RunRecovery} and {@link RunQueries} together over one
 * set of stores, and starts and stops them.
 */
public final class PipelineEngine implements PipelineRunner, ReviewListener, MainMovedListener, AutoCloseable {
    private final ExecutorService writer;
    private final RunQueue queue;
    private final RunAdmission admission;
    private final ReviewOutcomes outcomes;
    private final RunRecovery recovery;
    private final RunQueries queries;
    private final Rollouts rollouts;

    public PipelineEngine(TeamStore teams, RunStore runs, ReviewStore reviews, RepoStore repos, SecretBox secrets,
            Clock clock, MainMovedListener mainMoved, LiveCapture capture, int threads) {
        this(teams, runs, reviews, repos, secrets, clock, mainMoved, capture, threads, new Devices(null, null,
                ActiveCommits.NONE));
    }

    /**
     * What the engine needs for device and group stages: the fleet that moves device mains (null: none are
     * moved), the key that signs what devices run (null: deploys that must be signed fail), and the devices'
     * reported running commits; {@code statuses} (null: none) are the status reports staged rollouts wait for.
     */
    public record Devices(Fleet fleet, CommitSignatures signer, ActiveCommits active, DeviceStatusStore statuses) {
        /** Without device status reports: group stages with a rollout fan out at once. */
        public Devices(Fleet fleet, CommitSignatures signer, ActiveCommits active) {
            this(fleet, signer, active, null);
        }
    }

    public PipelineEngine(TeamStore teams, RunStore runs, ReviewStore reviews, RepoStore repos, SecretBox secrets,
            Clock clock, MainMovedListener mainMoved, LiveCapture capture, int threads, Devices devices) {
        this(teams, runs, reviews, repos, secrets, clock, mainMoved, capture, threads, devices, null);
    }

    /** With {@code gitStages} (nullable: deploys into and from git stages are refused) the client of git stages. */
    public PipelineEngine(TeamStore teams, RunStore runs, ReviewStore reviews, RepoStore repos, SecretBox secrets,
            Clock clock, MainMovedListener mainMoved, LiveCapture capture, int threads, Devices devices,
            GitStageRemote gitStages) {
        Promoter promoter = new Promoter(repos, clock, devices.signer());
        DeviceFanOut fanOut = new DeviceFanOut(teams, devices.fleet());
        PendingRuns pending = new PendingRuns();
        // one thread for the "running" writes that overlap a promotion: they serialize on the run store anyway
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pipeline-run-writer");
            t.setDaemon(true);
            return t;
        });
        this.rollouts = devices.fleet() == null || devices.statuses() == null ? null
                : new Rollouts(teams, runs, devices.fleet(), devices.statuses(), clock,
                        DeviceFleet.DEFAULT_OFFLINE_AFTER, pending::release);
        RunExecutor executor = new RunExecutor(teams, runs, reviews, promoter, secrets, clock, mainMoved, capture,
                pending::release, writer, devices.active(), fanOut, rollouts, gitStages);
        RecoveryGate gate = new RecoveryGate();
        Rollouts going = rollouts;
        this.queue = new RunQueue(executor, threads, r -> going == null ? CompletableFuture.completedFuture(null)
                : going.completion(r));
        this.admission = new RunAdmission(teams, runs, promoter, pending, queue, gate, clock, gitStages != null);
        this.outcomes = new ReviewOutcomes(teams, runs, reviews, executor, pending, queue, gate, clock, fanOut,
                rollouts);
        this.recovery = new RunRecovery(teams, runs, reviews, promoter, pending, queue, outcomes, gate, clock, fanOut,
                rollouts);
        this.queries = new RunQueries(runs, pending);
    }

    /** Start-up recovery on the caller's thread (see {@link RunRecovery}). */
    public void start() {
        recovery.run();
    }

    /**
     * Start-up recovery on a thread of its own, so that the server's listeners start meanwhile. Until it is
     * done, deploys, rollbacks and review outcomes wait for it: recovery still comes first.
     */
    public CompletableFuture<Void> startInBackground() {
        return recovery.runInBackground();
    }

    @Override
    public Run deploy(String team, String pipeline, String stage, Optional<String> snapshotSha, String actor,
            String trigger) {
        return admission.deploy(team, pipeline, stage, snapshotSha, actor, trigger);
    }

    /**
     * As {@link #deploy}, with the actor's role already decided by the caller (the API, where server admins
     * act as owners); {@code role} null means a trigger authorized by the pipeline's configuration.
     */
    public Run deployAs(String team, String pipeline, String stage, Optional<String> snapshotSha, String actor,
            Role role, String trigger) {
        return admission.deployAs(team, pipeline, stage, snapshotSha, actor, role, trigger);
    }

    /**
     * Queues a run that puts the target of run {@code runId} back to the snapshot it had before that run,
     * as a new commit. Needs the same role as deploying into that target.
     */
    public Run rollback(String team, String pipeline, String runId, String actor, Role role) {
        return admission.rollback(team, pipeline, runId, actor, role);
    }

    @Override
    public void onMerged(Review review, String commit) {
        outcomes.onMerged(review, commit);
    }

    @Override
    public void onRejected(Review review) {
        outcomes.onRejected(review);
    }

    /** Rebuilds the candidates of open pipeline reviews on a target whose main moved (off the caller's thread). */
    @Override
    public void onMainMoved(String team, String target, String oldSha, String newSha, String actor) {
        outcomes.onMainMoved(team, target, oldSha, newSha, actor);
    }

    /** Whether the pipeline has a run queued, running or awaiting approval. */
    public boolean hasPending(String team, String pipeline) {
        return queries.hasPending(team, pipeline);
    }

    /** One run of the team, for the API. */
    public Optional<Run> run(String team, String id) {
        return queries.run(team, id);
    }

    /** The runs of one pipeline, newest first, for the API. */
    public List<Run> runs(String team, String pipeline, int limit, String afterId) {
        return queries.runs(team, pipeline, limit, afterId);
    }

    /**
     * Stops starting runs and waits up to 10 s for the ones executing; runs still queued stay queued in the
     * store and resume at the next {@link #start}.
     */
    @Override
    public void close() throws InterruptedException {
        queue.close();
        if (rollouts != null) {
            rollouts.close();
        }
        writer.shutdown();
        writer.awaitTermination(5, TimeUnit.SECONDS);
    }
}
