package dev.flowstage.hooks.pipeline;

import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.review.ReviewState;
import dev.flowstage.storage.review.ReviewStore;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import dev.flowstage.storage.run.RunStore;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up recovery of the runs a stopped server left behind: a run whose commit (found by its
 * {@code Flowstage-Run} trailer) is on its target's main succeeded; else a run left {@code running}
 * failed and {@code queued} runs are queued again in order; runs awaiting a review that was decided while
 * the server was down are finished.
 */
final class RunRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(RunRecovery.class);
    /** How far back in a target's history recovery looks for a run's commit. */
    private static final int RECOVERY_DEPTH = 200;

    private final TeamStore teams;
    private final RunStore runs;
    private final ReviewStore reviews;
    private final Promoter promoter;
    private final PendingRuns pending;
    private final RunQueue queue;
    private final ReviewOutcomes outcomes;
    private final RecoveryGate gate;
    private final Clock clock;
    private final DeviceFanOut fanOut;
    private final Rollouts rollouts;

    RunRecovery(TeamStore teams, RunStore runs, ReviewStore reviews, Promoter promoter, PendingRuns pending,
            RunQueue queue, ReviewOutcomes outcomes, RecoveryGate gate, Clock clock, DeviceFanOut fanOut,
            Rollouts rollouts) {
        this.fanOut = fanOut;
        this.rollouts = rollouts;
        this.teams = teams;
        this.runs = runs;
        this.reviews = reviews;
        this.promoter = promoter;
        this.pending = pending;
        this.queue = queue;
        this.outcomes = outcomes;
        this.gate = gate;
        this.clock = clock;
    }

    /**
     * Recovers every run that has not ended, on the caller's thread: first the rollouts that were moving
     * waves (they held their pipelines when the server stopped, so they hold them again before anything
     * else), then the others, oldest first.
     */
    void run() {
        List<Run> all = runs.allNonTerminal();
        for (Run r : all) {
            if (inRollout(r)) {
                tryRecover(r);
            }
        }
        for (Run r : all) {
            if (!inRollout(r)) {
                tryRecover(r);
            }
        }
    }

    private boolean inRollout(Run r) {
        return rollouts != null && r.status() == RunStatus.RUNNING && r.rollout() != null;
    }

    private void tryRecover(Run r) {
        try {
            recover(r);
        } catch (RuntimeException | IOException e) {
            LOG.error("cannot recover pipeline run {} of team {}", r.id(), r.team(), e);
        }
    }

    /** {@link #run()} on a thread of its own; until it is done, the gate holds deploys and review outcomes. */
    CompletableFuture<Void> runInBackground() {
        return gate.runInBackground(this::run);
    }

    private void recover(Run r) throws IOException {
        switch (r.status()) {
            case RUNNING, QUEUED -> {
                if (r.target().startsWith(RunAdmission.GIT_TARGET)) {
                    // a push to a git stage has no local main to look at: a queued one runs, a running one
                    // cannot be told apart from one that never pushed, so it fails and says where to look
                    if (r.status() == RunStatus.RUNNING) {
                        runs.update(r.team(), r.id(), cur -> cur.status().isTerminal() ? cur
                                : cur.finished(RunStatus.FAILED, clock.instant(), "server stopped during the push to"
                                        + " the git stage; check the stage's branch and deploy again if needed"));
                    } else {
                        pending.add(r);
                        queue.submit(r, concurrency(r));
                    }
                    return;
                }
                // a run still running after its approval is a rollout: the review put targetAfter on main, maybe
                // as a merge commit whose first parent is not the run's own commit
                boolean approved = r.status() == RunStatus.RUNNING && r.reviewId() != null && r.targetAfter() != null;
                Optional<ObjectId> applied = approved ? Optional.of(ObjectId.fromString(r.targetAfter()))
                        : promoter.findRunCommit(r.team(), r.target(), r.id(), RECOVERY_DEPTH);
                Optional<Rollout> plan = applied.isPresent() && rollouts != null ? rollouts.plan(r) : Optional.empty();
                if (applied.isPresent() && rollouts != null && r.status() == RunStatus.RUNNING
                        && (r.rollout() != null || plan.isPresent())) {
                    // a staged rollout goes on where it was, holding its pipeline as before the stop; one that
                    // had not begun (the stop came before its first wave, or it was approved and waited for its
                    // turn) starts in the pipeline's turn, ahead of the queued runs
                    pending.add(r);
                    if (r.rollout() != null) {
                        rollouts.resume(r);
                        queue.hold(r, concurrency(r), rollouts.completion(r));
                    } else {
                        Run withCommit = (r.targetAfter() != null ? r
                                : r.withCommits(r.sourceCommit(), r.targetBefore(), applied.get().name()))
                                .withLog(clock.instant(), "Server stopped during the run; main of " + r.target()
                                        + " had already moved: starting its rollout");
                        // an approval may have merged the run's commit: the rollout moves what main had then
                        ObjectId commit = r.targetAfter() != null ? ObjectId.fromString(r.targetAfter()) : applied.get();
                        Rollout rollout = plan.get();
                        queue.startFirst(r, concurrency(r),
                                () -> rollouts.completion(rollouts.begin(withCommit, commit, rollout)));
                    }
                } else if (applied.isPresent()) {
                    String commit = applied.get().name();
                    // the stop may have come between main moving and the devices following it: they follow now
                    DeviceFanOut.Outcome devices = fanOut.after(r, applied.get());
                    runs.update(r.team(), r.id(), cur -> {
                        if (cur.status().isTerminal()) {
                            return cur;
                        }
                        Run next = cur.withCommits(cur.sourceCommit(), cur.targetBefore(), commit)
                                .withLog(clock.instant(), "Server stopped during the run; main of " + cur.target()
                                        + " had already moved to " + commit.substring(0, 7));
                        for (String line : devices.lines()) {
                            next = next.withLog(clock.instant(), line);
                        }
                        return devices.failure() != null
                                ? next.finished(RunStatus.FAILED, clock.instant(), devices.failure())
                                : next.finished(RunStatus.SUCCEEDED, clock.instant(), null);
                    });
                } else if (r.status() == RunStatus.RUNNING) {
                    runs.update(r.team(), r.id(), cur -> cur.status().isTerminal() ? cur
                            : cur.finished(RunStatus.FAILED, clock.instant(), "server stopped during the run")
                                    .withLog(clock.instant(), "Server stopped during the run; main of " + cur.target()
                                            + " was left as it was"));
                } else {
                    pending.add(r);
                    queue.submit(r, concurrency(r));
                }
            }
            case AWAITING_APPROVAL -> {
                pending.add(r);
                Optional<Review> review = r.reviewId() == null ? Optional.empty() : reviews.get(r.team(), r.reviewId());
                if (review.isPresent() && review.get().state() == ReviewState.MERGED) {
                    outcomes.finish(review.get(), RunStatus.SUCCEEDED, review.get().mergedCommit());
                } else if (review.isPresent() && review.get().state().isFinal()) {
                    outcomes.finish(review.get(), RunStatus.REJECTED, null);
                }
            }
            default -> { }
        }
    }

    private Concurrency concurrency(Run r) {
        return RunQueue.concurrency(teams, r);
    }
}
