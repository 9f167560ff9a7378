package dev.flowstage.hooks.pipeline;

import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.review.ReviewListener;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.review.ReviewState;
import dev.flowstage.storage.review.ReviewStore;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import dev.flowstage.storage.run.RunStore;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What reviews mean to runs awaiting approval: a merge ends the run as succeeded, a rejection as
 * rejected, and main moving under an open review rebuilds its candidate on the new main.
 */
final class ReviewOutcomes implements ReviewListener, MainMovedListener {
    private static final Logger LOG = LoggerFactory.getLogger(ReviewOutcomes.class);

    private final TeamStore teams;
    private final RunStore runs;
    private final ReviewStore reviews;
    private final RunExecutor executor;
    private final PendingRuns pending;
    private final RunQueue queue;
    private final RecoveryGate recovery;
    private final Clock clock;
    private final DeviceFanOut fanOut;
    private final Rollouts rollouts;

    ReviewOutcomes(TeamStore teams, RunStore runs, ReviewStore reviews, RunExecutor executor, PendingRuns pending,
            RunQueue queue, RecoveryGate recovery, Clock clock, DeviceFanOut fanOut, Rollouts rollouts) {
        this.teams = teams;
        this.rollouts = rollouts;
        this.fanOut = fanOut;
        this.runs = runs;
        this.reviews = reviews;
        this.executor = executor;
        this.pending = pending;
        this.queue = queue;
        this.recovery = recovery;
        this.clock = clock;
    }

    @Override
    public void onMerged(Review review, String commit) {
        recovery.await();
        finish(review, RunStatus.SUCCEEDED, commit);
    }

    @Override
    public void onRejected(Review review) {
        recovery.await();
        finish(review, RunStatus.REJECTED, null);
    }

    /** Rebuilds the candidates of open pipeline reviews on a target whose main moved (off the caller's thread). */
    @Override
    public void onMainMoved(String team, String target, String oldSha, String newSha, String actor) {
        queue.runAside(() -> {
            recovery.await();
            for (Review review : reviews.list(team, ReviewState.OPEN)) {
                if (!review.target().equals(target) || review.runId() == null || newSha.equals(review.base())) {
                    continue;
                }
                runs.get(team, review.runId()).filter(r -> r.status() == RunStatus.AWAITING_APPROVAL).ifPresent(r -> {
                    try {
                        executor.refreshCandidate(r, review);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("cannot rebuild review {} of {}/{} on the new main", review.id(), team, target, e);
                    }
                });
            }
        });
    }

    /**
     * Starts the rollout of an approved run as the pipeline's concurrency says: under {@code queue} and
     * {@code forbid} it takes the pipeline's turn ahead of the queued runs (after what holds it now, such as
     * another rollout) and holds it until its waves end, as a rollout that needed no approval does.
     */
    private void startRollout(Run approved, ObjectId commit, Rollout plan) {
        Object turn = new Object();
        Concurrency concurrency = RunQueue.concurrency(teams, approved);
        boolean waits;
        synchronized (turn) {
            waits = queue.startFirst(approved, concurrency, () -> {
                synchronized (turn) {
                    Run cur = runs.get(approved.team(), approved.id()).orElse(null);
                    if (cur == null || cur.status().isTerminal()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    try {
                        return rollouts.completion(rollouts.begin(cur, commit, plan));
                    } catch (RuntimeException e) {
                        LOG.error("cannot start the rollout of run {} of team {}", cur.id(), cur.team(), e);
                        executor.fail(cur, "the rollout could not start on an internal error ("
                                + e.getClass().getSimpleName() + "); see the server log");
                        return CompletableFuture.completedFuture(null);
                    }
                }
            });
            if (waits) {
                runs.update(approved.team(), approved.id(), cur -> cur.status().isTerminal() || cur.rollout() != null
                        ? cur : cur.withLog(clock.instant(), "The rollout starts when the pipeline's run going on now"
                                + " has ended (concurrency " + concurrency.json() + ")"));
            }
        }
    }

    /**
     * Ends the run of a decided review as {@code status} ({@code commit}: what the merge put on main); a
     * run already ended, or a review of no run, is left alone. Start-up recovery calls it directly.
     */
    void finish(Review review, RunStatus status, String commit) {
        if (review.runId() == null) {
            return;
        }
        Optional<Run> run = runs.get(review.team(), review.runId());
        if (run.isEmpty() || run.get().status().isTerminal()) {
            return;
        }
        Optional<Rollout> plan = status == RunStatus.SUCCEEDED && rollouts != null ? rollouts.plan(run.get())
                : Optional.empty();
        if (plan.isPresent()) {
            // the approved commit is on the group's main: its rollout carries the run on, running
            String who = approvers(review);
            Run approved = runs.update(review.team(), review.runId(), cur -> cur.status().isTerminal() ? cur
                    : cur.withStatus(RunStatus.RUNNING).withCommits(cur.sourceCommit(), review.base(), commit)
                            .withLog(clock.instant(), "Review " + review.id() + " approved by " + who
                                    + "; main of " + cur.target() + " is now " + commit.substring(0, 7)));
            if (!approved.status().isTerminal()) {
                startRollout(approved, ObjectId.fromString(commit), plan.get());
            }
            return;
        }
        // the approved commit is on main: the group's devices (or the instance's, with deployToDevices) follow it,
        // and a rollout into the group still going on stops
        if (status == RunStatus.SUCCEEDED && rollouts != null) {
            rollouts.supersedeBy(run.get(), ObjectId.fromString(commit));
        }
        DeviceFanOut.Outcome devices = status == RunStatus.SUCCEEDED
                ? fanOut.after(run.get(), ObjectId.fromString(commit)) : DeviceFanOut.Outcome.NONE;
        pending.release(run.get());
        runs.update(review.team(), review.runId(), cur -> {
            if (cur.status().isTerminal()) {
                return cur;
            }
            String who = approvers(review);
            Run next = status == RunStatus.SUCCEEDED
                    ? cur.withCommits(cur.sourceCommit(), review.base(), commit)
                            .withLog(clock.instant(), "Review " + review.id() + " approved by " + who
                                    + "; main of " + cur.target() + " is now " + commit.substring(0, 7))
                    : cur.withLog(clock.instant(), "Review " + review.id() + " rejected"
                            + (review.comment() == null ? "" : ": " + review.comment()));
            for (String line : devices.lines()) {
                next = next.withLog(clock.instant(), line);
            }
            if (devices.failure() != null) {
                return next.finished(RunStatus.FAILED, clock.instant(), devices.failure())
                        .withLog(clock.instant(), "Failed: " + devices.failure());
            }
            return next.finished(status, clock.instant(), status == RunStatus.REJECTED
                    ? "review " + review.id() + " was rejected" : null);
        });
    }

    /** {@code alice ("ship it"), bob}: who approved, each with the comment they gave (on one line). */
    static String approvers(Review review) {
        return String.join(", ", review.approvals().stream().map(a -> a.comment() == null ? a.user()
                : a.user() + " (\"" + a.comment().replaceAll("\\s*\n\\s*", " ") + "\")").toList());
    }
}
