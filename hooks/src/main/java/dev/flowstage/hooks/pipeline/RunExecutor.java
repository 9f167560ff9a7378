package dev.flowstage.hooks.pipeline;

import dev.flowstage.hooks.devices.ActiveCommits;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.review.Review;
import dev.flowstage.storage.review.ReviewStore;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import dev.flowstage.storage.run.RunStore;
import dev.flowstage.storage.secret.SecretBox;
import dev.flowstage.storage.snapshot.CredentialsException;
import dev.flowstage.hooks.remote.FlowFuseSnapshotWriter;
import dev.flowstage.hooks.remote.RemoteFailure;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import java.io.IOException;
import java.time.ZoneOffset;
import org.eclipse.jgit.lib.PersonIdent;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one run from {@code queued} through {@code running} to where it rests: {@code succeeded},
 * {@code failed} or {@code awaiting_approval}. The commit it applies carries the run's id in a
 * {@code Flowstage-Run} trailer, so start-up recovery can tell from the target whether the move happened.
 * Log lines are kept with the run in memory and stored at the transitions, not one write per line.
 */
final class RunExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(RunExecutor.class);
    /** Where a device uploads its own snapshots (developer mode). */
    static final String DEVICE_REF = "refs/heads/device";
    private static final int APPLY_ATTEMPTS = 10;
    private static final long LOCK_WAIT_MS = 20;

    private final TeamStore teams;
    private final RunStore runs;
    private final ReviewStore reviews;
    private final Promoter promoter;
    private final SecretBox secrets;
    private final Clock clock;
    private final MainMovedListener mainMoved;
    private final LiveCapture capture;
    private final Consumer<Run> onEnd;
    private final Executor writer;
    private final ActiveCommits active;
    private final DeviceFanOut fanOut;
    private final Rollouts rollouts;
    private final GitStageRemote gitStages;

    RunExecutor(TeamStore teams, RunStore runs, ReviewStore reviews, Promoter promoter, SecretBox secrets, Clock clock,
            MainMovedListener mainMoved, LiveCapture capture, Consumer<Run> onEnd, Executor writer,
            ActiveCommits active, DeviceFanOut fanOut, Rollouts rollouts, GitStageRemote gitStages) {
        this.gitStages = gitStages;
        this.rollouts = rollouts;
        this.active = active;
        this.fanOut = fanOut;
        this.teams = teams;
        this.runs = runs;
        this.reviews = reviews;
        this.promoter = promoter;
        this.secrets = secrets;
        this.clock = clock;
        this.mainMoved = mainMoved;
        this.capture = capture;
        this.onEnd = onEnd;
        this.writer = writer;
    }

    /** A promotion or rollback built, but not applied, for a run. */
    private record Built(Run run, Promoter.Candidate candidate, int approvals) {}

    /** Executes {@code run}; never throws: a failure ends the run as failed with the reason. */
    Run execute(Run run) {
        Run r = started(run);
        CompletableFuture<Void> running = recordRunning(r);
        if (r.target().startsWith(RunAdmission.GIT_TARGET)) {
            return pushToGit(r, running);
        }
        try {
            Built built = build(r);
            r = built.run();
            Promoter.Candidate c = built.candidate();
            if (built.approvals() > 0) {
                running.join();
                return awaitApproval(r, c, built.approvals());
            }
            for (int attempt = 1; ; attempt++) {
                r = r.withCommits(r.sourceCommit(), name(c.base()), c.commit().name())
                        .withLog(clock.instant(), "Built " + c.commit().abbreviate(7).name() + " on main of "
                                + r.target() + " at " + (c.base() == null ? "(empty)" : c.base().abbreviate(7).name()));
                if (promoter.apply(c, r.actor(), "pipeline " + r.pipeline() + " run " + r.id())) {
                    break;
                }
                if (attempt == APPLY_ATTEMPTS) {
                    throw new MetaConflictException("main of '" + r.target() + "' kept moving during the run;"
                            + " it was left as it was");
                }
                if (Objects.equals(promoter.main(r.team(), r.target()), c.base())) {
                    // main did not move: another writer holds its lock for a moment
                    Thread.sleep(LOCK_WAIT_MS * attempt);
                    continue;
                }
                r = r.withLog(clock.instant(), "main of " + r.target() + " moved meanwhile: building again on it");
                built = build(r);
                r = built.run();
                c = built.candidate();
            }
            notifyMoved(r, c);
            r = r.withLog(clock.instant(), "main of " + r.target() + " is now " + c.commit().abbreviate(7).name());
            Optional<Rollout> plan = rollouts == null ? Optional.empty() : rollouts.plan(r);
            if (plan.isPresent()) {
                running.join();
                // the run goes on, running, while the waves move; the rollout ends it
                return rollouts.begin(r, c.commit(), plan.get());
            }
            if (rollouts != null) {
                rollouts.supersedeBy(r, c.commit());
            }
            DeviceFanOut.Outcome devices = fanOut.after(r, c.commit());
            for (String line : devices.lines()) {
                r = r.withLog(clock.instant(), line);
            }
            if (devices.failure() == null && rollouts != null && r.rollbackOf() != null) {
                Run original = runs.get(r.team(), r.rollbackOf()).orElse(null);
                String back = original == null ? null : rollouts.putBackAfterRollback(r, original, c.commit());
                if (back != null) {
                    r = r.withLog(clock.instant(), back);
                }
            }
            running.join();
            if (devices.failure() != null) {
                return fail(r, devices.failure());
            }
            return finish(r.finished(RunStatus.SUCCEEDED, clock.instant(), null));
        } catch (MetaInvalidException | MetaNotFoundException | MetaConflictException | CredentialsException e) {
            return failAfter(running, r, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failAfter(running, r, "the server is stopping");
        } catch (IOException | RuntimeException e) {
            LOG.error("pipeline run {} of team {} failed", r.id(), r.team(), e);
            return failAfter(running, r, "internal error (" + e.getClass().getSimpleName() + "); see the server log");
        }
    }

    /**
     * Stores the run as running. Off the deploy path: the promotion is built and applied meanwhile (the
     * commit names the run in its Flowstage-Run trailer, which is how start-up recovery tells whether the
     * move happened), so one metadata write (the run's creation) precedes the target's ref update. A
     * capture from a live Node-RED is slow and is stored as running first.
     */
    private CompletableFuture<Void> recordRunning(Run started) {
        if ("create_snapshot".equals(started.action())) {
            store(started);
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> store(started), writer).exceptionally(e -> {
            LOG.warn("cannot store pipeline run {} of team {} as running", started.id(), started.team(), e);
            return null;
        });
    }

    private Run failAfter(CompletableFuture<Void> running, Run r, String reason) {
        running.join();
        return fail(r, reason);
    }

    /**
     * Rebuilds the candidate of an open review of an awaiting run on the target's current main, so that
     * its approval applies the promotion as if it had been run now (SPEC §6).
     */
    void refreshCandidate(Run run, Review review) throws IOException {
        Built built = build(run);
        Promoter.Candidate c = built.candidate();
        reviews.replaceCandidate(run.team(), review.id(), c.commit().name(), name(c.base()));
        runs.update(run.team(), run.id(), cur -> cur.status() != RunStatus.AWAITING_APPROVAL ? cur
                : cur.withCommits(cur.sourceCommit(), name(c.base()), null).withLog(clock.instant(),
                        "main of " + cur.target() + " moved: candidate rebuilt as " + c.commit().abbreviate(7).name()));
    }

    /** Stores {@code r} ended as failed with {@code reason}; a run already ended stays as it is. */
    Run fail(Run r, String reason) {
        try {
            return finish(r.finished(RunStatus.FAILED, clock.instant(), reason).withLog(clock.instant(), "Failed: " + reason));
        } catch (RuntimeException e) {
            LOG.error("cannot store the failure of pipeline run {} of team {}", r.id(), r.team(), e);
            return r.finished(RunStatus.FAILED, clock.instant(), reason);
        }
    }

    private Run awaitApproval(Run r, Promoter.Candidate c, int approvals) {
        String title = r.rollbackOf() != null ? "Roll back " + r.target() + " (pipeline " + r.pipeline() + ", run " + r.id() + ")"
                : "Promote " + r.sourceTarget() + "@" + r.sourceCommit().substring(0, 7) + " to " + r.target()
                + " (pipeline " + r.pipeline() + ", run " + r.id() + ")";
        Review review = reviews.open(r.team(), r.target(), c.commit().name(), name(c.base()), r.actor(), title,
                approvals, r.id());
        Run next = started(r).withStatus(RunStatus.AWAITING_APPROVAL).withReviewId(review.id())
                .withCommits(r.sourceCommit(), name(c.base()), null)
                .withLog(clock.instant(), "Waiting for " + approvals + " approval(s) of review " + review.id());
        return runs.update(r.team(), r.id(), cur -> cur.status().isTerminal() || cur.status() == RunStatus.AWAITING_APPROVAL
                ? cur : next);
    }

    /** Builds the run's commit on the target's current main and says how many approvals it needs. */
    private Built build(Run r) throws IOException {
        TeamConfig config = teams.team(r.team()).orElseThrow(() -> new MetaNotFoundException(
                "team '" + r.team() + "' no longer exists"));
        Pipeline p = ConfigPipelineStore.read(config, r.pipeline()).orElseThrow(() -> new MetaNotFoundException(
                "pipeline '" + r.pipeline() + "' was deleted before the run could finish"));
        Stage into = p.stages().stream().filter(s -> r.target().equals(s.target())).findFirst()
                .orElseThrow(() -> new MetaInvalidException("pipeline '" + r.pipeline() + "' no longer deploys into '"
                        + r.target() + "'"));
        Target target = target(config, r.target());
        int approvals = Math.max(into.requiredApprovals(), target.protectedMain() ? 1 : 0);
        // what devices run is signed: device and group mains, and an instance commit that deployToDevices sends on
        boolean sign = target.kind() != TargetKind.INSTANCE || into.deployToDevices();
        Promoter.Trailers trailers = new Promoter.Trailers(r.pipeline(), r.stage(), r.id(), r.actor());
        if (r.rollbackOf() != null) {
            Run original = runs.get(r.team(), r.rollbackOf()).orElseThrow(() -> new MetaNotFoundException(
                    "run " + r.rollbackOf() + " no longer exists"));
            ObjectId restore = ObjectId.fromString(original.targetBefore());
            Promoter.Candidate c = promoter.rollback(r.team(), r.target(), restore, original.id(), trailers, sign);
            return new Built(r.withCommits(original.targetBefore(), r.targetBefore(), r.targetAfter()), c, approvals);
        }
        if (r.sourceTarget() != null && r.sourceTarget().startsWith(RunAdmission.GIT_TARGET)) {
            return pullFromGit(r, config, p, target, trailers, approvals);
        }
        Target source = target(config, r.sourceTarget());
        Run withSource = r;
        if (r.sourceCommit() == null) {
            withSource = chooseSource(r);
        }
        ObjectId commit = ObjectId.fromString(withSource.sourceCommit());
        Promoter.Candidate c = promoter.promotion(r.team(),
                new Promoter.Source(source.name(), commit, secret(source)), target.name(), secret(target), trailers, sign);
        return new Built(withSource, c, approvals);
    }

    /**
     * A run into a git stage: the source's snapshot written as one FlowFuse snapshot file on the stage's
     * branch and pushed; the run's targetAfter is the remote commit.
     */
    private Run pushToGit(Run started, CompletableFuture<Void> running) {
        Run r = started;
        try {
            if (gitStages == null) {
                throw new MetaInvalidException("this server has no git stage client configured");
            }
            TeamConfig config = teams.team(r.team()).orElseThrow(() -> new MetaNotFoundException(
                    "team '" + started.team() + "' no longer exists"));
            Pipeline p = ConfigPipelineStore.read(config, r.pipeline()).orElseThrow(() -> new MetaNotFoundException(
                    "pipeline '" + started.pipeline() + "' was deleted before the run could finish"));
            Stage into = gitStage(p, r.target());
            Target source = target(config, r.sourceTarget());
            if (r.sourceCommit() == null) {
                r = chooseSource(r);
            }
            ObjectId commit = ObjectId.fromString(r.sourceCommit());
            Snapshot snapshot = promoter.snapshot(r.team(), source.name(), commit);
            String file = GitStageRemote.filename(into.git(), source.name());
            String sha7 = commit.abbreviate(7).name();
            byte[] content = FlowFuseSnapshotWriter.write(source.name() + "@" + sha7,
                    "Pipeline " + r.pipeline() + ", stage " + into.name() + ", run " + r.id(), snapshot, secret(source));
            String message = "Deploy " + source.name() + "@" + sha7 + " to " + file + "\n\nPipeline " + r.pipeline()
                    + ", stage " + into.name() + ", run " + r.id() + ", by " + r.actor() + ".\n"
                    + "\nFlowstage-Pipeline: " + r.pipeline() + "\nFlowstage-Stage: " + into.name()
                    + "\nFlowstage-Source: " + r.team() + "/" + source.name() + "@" + commit.name()
                    + "\nFlowstage-Run: " + r.id() + "\nFlowstage-Actor: " + r.actor() + "\n";
            PersonIdent author = new PersonIdent(r.actor(), r.actor() + "@flowstage", clock.instant(), ZoneOffset.UTC);
            GitStageRemote.Pushed pushed = gitStages.push(r.team(), r.pipeline(), into, file, content, author, message);
            String at = pushed.branch() + " of " + pushed.url();
            if (pushed.attempts() > 1) {
                r = r.withLog(clock.instant(), at + " moved while pushing: fetched it and wrote " + file + " again ("
                        + (pushed.attempts() - 1) + " retry(s))");
            }
            r = r.withCommits(r.sourceCommit(), null, pushed.commit().name()).withLog(clock.instant(), pushed.unchanged()
                    ? at + " already holds this snapshot at " + pushed.commit().abbreviate(7).name() + ": nothing pushed"
                    : "pushed " + pushed.commit().abbreviate(7).name() + " to " + at + " (" + file + ")");
            running.join();
            return finish(r.finished(RunStatus.SUCCEEDED, clock.instant(), null));
        } catch (RemoteFailure e) {
            return failAfter(running, r, e.getMessage());
        } catch (MetaInvalidException | MetaNotFoundException | MetaConflictException | CredentialsException e) {
            return failAfter(running, r, e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.error("pipeline run {} of team {} failed", r.id(), r.team(), e);
            return failAfter(running, r, "internal error (" + e.getClass().getSimpleName() + "); see the server log");
        }
    }

    /**
     * The promotion of the file on a git stage's pullBranch into {@code target}: the usual rules (settings kept
     * from the target, env keys-only, credentials re-encrypted for the target), the remote commit recorded as
     * {@code Flowstage-Source: URL@SHA}.
     */
    private Built pullFromGit(Run r, TeamConfig config, Pipeline p, Target target, Promoter.Trailers trailers,
            int approvals) throws IOException {
        if (gitStages == null) {
            throw new MetaInvalidException("this server has no git stage client configured");
        }
        Stage from = gitStage(p, r.sourceTarget());
        // the instance that pushed the file: its name is the default file name, its secret opens the credentials
        Target pusher = null;
        for (Stage s : p.stages()) {
            if (s.name().equals(from.name())) {
                break;
            }
            if (s.kind() == StageKind.INSTANCE) {
                pusher = config.targets().get(s.target());
            }
        }
        if (pusher == null && (from.git().filename() == null || from.git().filename().isBlank())) {
            throw new MetaInvalidException("git stage '" + from.name() + "' has no instance stage before it to name"
                    + " its file after: give it a 'filename'");
        }
        String file = GitStageRemote.filename(from.git(), pusher == null ? "" : pusher.name());
        ObjectId main = promoter.main(r.team(), target.name());
        Snapshot current = main == null ? Snapshot.EMPTY : promoter.snapshot(r.team(), target.name(), main);
        String targetSecret = secret(target);
        GitStageRemote.Pulled pulled;
        try {
            pulled = gitStages.pull(r.team(), r.pipeline(), from, file, current, target.name(), targetSecret);
        } catch (RemoteFailure e) {
            throw new MetaInvalidException(e.getMessage());
        }
        Snapshot next = promoted(pulled.snapshot(), current, pusher == null ? null : secret(pusher), targetSecret);
        String sha7 = pulled.commit().abbreviate(7).name();
        Promoter.Candidate c = promoter.snapshotCommit(r.team(), target.name(), next,
                "Promote " + pulled.branch() + "@" + sha7 + " of " + pulled.url() + " to " + target.name(),
                pulled.remoteSubject(), pulled.url() + "@" + pulled.commit().name(), trailers);
        Run withSource = r.withCommits(pulled.commit().name(), r.targetBefore(), r.targetAfter())
                .withLog(clock.instant(), "Read " + file + " from " + pulled.branch() + " of " + pulled.url() + " at " + sha7);
        return new Built(withSource, c, approvals);
    }

    /** {@code read} (the file as the next snapshot) under the promotion rules for {@code current}. */
    private static Snapshot promoted(Snapshot read, Snapshot current, String sourceSecret, String targetSecret) {
        Snapshot next = read.without(SnapshotFiles.SETTINGS);
        byte[] settings = current.bytes(SnapshotFiles.SETTINGS).orElse(null);
        if (settings != null) {
            next = next.with(SnapshotFiles.SETTINGS, settings);
        }
        byte[] env = PromotionFiles.env(read.bytes(SnapshotFiles.ENV).orElse(null),
                current.bytes(SnapshotFiles.ENV).orElse(null));
        next = env == null ? next.without(SnapshotFiles.ENV) : next.with(SnapshotFiles.ENV, env);
        byte[] cred = read.bytes(SnapshotFiles.CREDENTIALS).orElse(null);
        if (cred != null && !opens(cred, targetSecret)) {
            next = next.with(SnapshotFiles.CREDENTIALS, PromotionFiles.credentials(cred, sourceSecret,
                    current.bytes(SnapshotFiles.CREDENTIALS).orElse(null), targetSecret));
        }
        return next;
    }

    private static boolean opens(byte[] cred, String secret) {
        if (secret == null) {
            return false;
        }
        try {
            NodeRedCredentials.read(cred, secret);
            return true;
        } catch (CredentialsException e) {
            return false;
        }
    }

    private static Stage gitStage(Pipeline p, String runSide) {
        String name = runSide.substring(RunAdmission.GIT_TARGET.length());
        return p.stage(name).filter(s -> s.kind() == StageKind.GIT).orElseThrow(() -> new MetaInvalidException(
                "pipeline '" + p.name() + "' no longer has git stage '" + name + "'"));
    }

    /** The source commit for use_latest_snapshot and create_snapshot, with a log line saying where it came from. */
    private Run chooseSource(Run r) throws IOException {
        String how;
        ObjectId commit = null;
        if ("create_snapshot".equals(r.action())) {
            Optional<ObjectId> captured = capture.capture(r.team(), r.sourceTarget(), r.id(), r.actor());
            if (captured.isPresent()) {
                commit = captured.get();
                how = "Captured the live flows of " + r.sourceTarget() + " as " + commit.abbreviate(7).name();
            } else {
                how = "instance " + r.sourceTarget() + " has no live Node-RED to capture here: used its current main";
            }
        } else if ("use_active_snapshot".equals(r.action())) {
            commit = active.active(r.team(), r.sourceTarget()).orElseThrow(() -> new MetaInvalidException("device '"
                    + r.sourceTarget() + "' has not reported running any snapshot yet: use_active_snapshot has nothing"
                    + " to deploy"));
            if (!promoter.onMain(r.team(), r.sourceTarget(), commit)
                    && !promoter.onRef(r.team(), r.sourceTarget(), DEVICE_REF, commit)) {
                throw new MetaInvalidException("device '" + r.sourceTarget() + "' reports running "
                        + commit.name() + ", which is not one of its snapshots");
            }
            how = "Snapshot device " + r.sourceTarget() + " reported running (" + commit.abbreviate(7).name() + ")";
        } else if ("use_latest_device_snapshot".equals(r.action())) {
            commit = promoter.head(r.team(), r.sourceTarget(), DEVICE_REF);
            if (commit == null) {
                throw new MetaInvalidException("device '" + r.sourceTarget() + "' has not uploaded a snapshot yet"
                        + " (its refs/heads/device is empty)");
            }
            how = "Latest snapshot device " + r.sourceTarget() + " uploaded (" + commit.abbreviate(7).name() + ")";
        } else {
            how = "Latest snapshot of " + r.sourceTarget();
        }
        if (commit == null) {
            commit = promoter.main(r.team(), r.sourceTarget());
            if (commit == null) {
                throw new MetaInvalidException(kind(r.sourceTarget(), r.team()) + " '" + r.sourceTarget()
                        + "' has no snapshot yet (its main is empty)");
            }
            how += " (" + commit.abbreviate(7).name() + ")";
        }
        return r.withCommits(commit.name(), r.targetBefore(), r.targetAfter()).withLog(clock.instant(), how);
    }

    private Target target(TeamConfig config, String name) {
        Target t = config.targets().get(name);
        if (t == null) {
            throw new MetaNotFoundException("target '" + name + "' no longer exists in team " + config.name());
        }
        return t;
    }

    private String kind(String target, String team) {
        return teams.team(team).map(c -> c.targets().get(target)).map(t -> t.kind().json()).orElse("target");
    }

    /** The target's credentialSecret, or null when none is set or it cannot be opened (then credentials are copied). */
    private String secret(Target t) {
        if (t.sealedCredentialSecret() == null) {
            return null;
        }
        try {
            return secrets.open(t.sealedCredentialSecret());
        } catch (IllegalArgumentException e) {
            LOG.warn("the credential secret of {} cannot be opened with this server's key", t.name());
            return null;
        }
    }

    private void notifyMoved(Run r, Promoter.Candidate c) {
        try {
            mainMoved.onMainMoved(r.team(), r.target(), name(c.base()), c.commit().name(), r.actor());
        } catch (RuntimeException e) {
            LOG.warn("main-moved listener failed for {}/{} after run {}", r.team(), r.target(), r.id(), e);
        }
    }

    private Run started(Run r) {
        return r.startedAt() != null ? r.withStatus(RunStatus.RUNNING) : r.started(clock.instant());
    }

    /** Tells the engine the run has ended (so forbid admits the next deploy at once), then stores it. */
    private Run finish(Run ended) {
        onEnd.accept(ended);
        return store(ended);
    }

    /** Stores {@code next} unless the stored run has ended meanwhile. */
    private Run store(Run next) {
        return runs.update(next.team(), next.id(), cur -> cur.status().isTerminal() ? cur : next);
    }

    private static String name(ObjectId id) {
        return id == null ? null : id.name();
    }
}
