package dev.flowstage.hooks.pipeline;

import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import dev.flowstage.storage.run.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Admits deploys and rollbacks: checks the request (pipeline, stages, snapshot) and the actor's role,
 * applies the pipeline's concurrency policy, stores the run as {@code queued} and hands it to the
 * {@link RunQueue}.
 */
final class RunAdmission implements PipelineRunner {
    static final String ROLLBACK = "rollback";

    private final TeamStore teams;
    private final RunStore runs;
    private final Promoter promoter;
    private final PendingRuns pending;
    private final RunQueue queue;
    private final RecoveryGate recovery;
    private final Clock clock;
    private final boolean gitStages;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    RunAdmission(TeamStore teams, RunStore runs, Promoter promoter, PendingRuns pending, RunQueue queue,
            RecoveryGate recovery, Clock clock, boolean gitStages) {
        this.gitStages = gitStages;
        this.teams = teams;
        this.runs = runs;
        this.promoter = promoter;
        this.pending = pending;
        this.queue = queue;
        this.recovery = recovery;
        this.clock = clock;
    }

    @Override
    public Run deploy(String team, String pipeline, String stage, Optional<String> snapshotSha, String actor,
            String trigger) {
        Role role = null;
        if (API.equals(trigger) || PUSH.equals(trigger)) {
            role = config(team).role(actor);
            if (role == null) {
                throw new PipelineForbiddenException("'" + actor + "' is not a member of team '" + team + "'");
            }
        } else if (!WEBHOOK.equals(trigger) && !SCHEDULE.equals(trigger)) {
            throw new IllegalArgumentException("unknown trigger '" + trigger + "'");
        }
        return deployAs(team, pipeline, stage, snapshotSha, actor, role, trigger);
    }

    /** As {@link #deploy}, with the actor's role already decided ({@code null}: authorized by the pipeline). */
    Run deployAs(String team, String pipeline, String stage, Optional<String> snapshotSha, String actor, Role role,
            String trigger) {
        recovery.await();
        TeamConfig config = config(team);
        Pipeline p = pipeline(config, pipeline);
        Stage from = p.stage(stage).orElseThrow(() -> new MetaNotFoundException(
                "stage '" + stage + "' does not exist in pipeline '" + pipeline + "'"));
        Stage into = p.next(stage).orElseThrow(() -> new MetaInvalidException("stage '" + stage
                + "' is the last stage of pipeline '" + pipeline + "': there is nothing after it to deploy to"));
        if (from.kind() == StageKind.GIT || into.kind() == StageKind.GIT) {
            return deployGit(config, p, from, into, snapshotSha, actor, role, trigger);
        }
        Target target = existingTarget(config, into);
        existingTarget(config, from);
        checkRole(role, target, "deploy into");
        // a group stage has no action of its own: it deploys the group's current main, its latest snapshot
        String action = from.kind() == StageKind.GROUP ? "use_latest_snapshot" : from.effectiveAction();
        Run run = Run.queued(team, pipeline, stage, from.target(), into.target(), action, actor);
        if ("prompt_snapshot".equals(action)) {
            run = run.withCommits(promptedSnapshot(team, from, snapshotSha), null, null);
        } else if (snapshotSha.isPresent()) {
            throw new MetaInvalidException("stage '" + stage + "' uses " + action + ", which chooses the snapshot"
                    + " itself: leave 'snapshot' out");
        }
        return admit(p, run, "Deploy of stage " + stage + " requested by " + actor + " (" + trigger + ")");
    }

    /**
     * A deploy into a git stage (the snapshot of the instance before it is pushed as a file) or from one (the
     * file on its pullBranch is promoted into the instance after it). The run's target, or source, is
     * {@code git:STAGE}.
     */
    private Run deployGit(TeamConfig config, Pipeline p, Stage from, Stage into, Optional<String> snapshotSha,
            String actor, Role role, String trigger) {
        boolean push = into.kind() == StageKind.GIT;
        Stage other = push ? from : into;
        if (!gitStages || other.kind() != StageKind.INSTANCE) {
            throw new MetaInvalidException("deploying from a " + from.kind().json() + " stage into a " + into.kind().json()
                    + " stage is not supported" + (gitStages ? ": a git stage deploys from and into instance stages"
                    : " by this server: it has no git stage client configured"));
        }
        if (role != null && !role.atLeast(Role.MEMBER)) {
            throw new PipelineForbiddenException("viewers cannot run pipelines: to deploy you need the member role");
        }
        Run run;
        if (push) {
            if (into.requiredApprovals() > 0) {
                throw new MetaInvalidException("stage '" + into.name() + "' is a git stage: approvals happen in a pull"
                        + " request on the Git server, not here; remove its approvals");
            }
            existingTarget(config, from);
            String action = from.effectiveAction();
            run = Run.queued(config.name(), p.name(), from.name(), from.target(), GIT_TARGET + into.name(), action, actor);
            if ("prompt_snapshot".equals(action)) {
                run = run.withCommits(promptedSnapshot(config.name(), from, snapshotSha), null, null);
            } else if (snapshotSha.isPresent()) {
                throw new MetaInvalidException("stage '" + from.name() + "' uses " + action + ", which chooses the"
                        + " snapshot itself: leave 'snapshot' out");
            }
        } else {
            Target target = existingTarget(config, into);
            checkRole(role, target, "deploy into");
            if (snapshotSha.isPresent()) {
                throw new MetaInvalidException("stage '" + from.name() + "' is a git stage: it deploys what its pull"
                        + " branch holds; leave 'snapshot' out");
            }
            run = Run.queued(config.name(), p.name(), from.name(), GIT_TARGET + from.name(), into.target(), PULL_ACTION,
                    actor);
        }
        return admit(p, run, "Deploy of stage " + from.name() + " requested by " + actor + " (" + trigger + ")");
    }

    /** The prefix of a run's target or source that is a git stage. */
    static final String GIT_TARGET = "git:";
    /** The action of a run that deploys from a git stage. */
    static final String PULL_ACTION = "pull_git_stage";

    /** Queues a run that puts the target of run {@code runId} back to the snapshot it had before that run. */
    Run rollback(String team, String pipeline, String runId, String actor, Role role) {
        recovery.await();
        TeamConfig config = config(team);
        Pipeline p = pipeline(config, pipeline);
        Run original = runs.get(team, runId).filter(r -> r.pipeline().equals(pipeline)).orElseThrow(
                () -> new MetaNotFoundException("run " + runId + " does not exist in pipeline '" + pipeline + "'"));
        // a rollout that stopped left the group's main and its earlier waves on the new commit: that can go back too
        boolean stoppedRollout = original.status() == RunStatus.FAILED && original.rollout() != null
                && original.targetAfter() != null;
        if (original.status() != RunStatus.SUCCEEDED && !stoppedRollout) {
            throw new MetaInvalidException("run " + runId + " is " + original.status().json()
                    + ": only a run that succeeded (or a rollout that stopped) can be rolled back");
        }
        if (original.targetBefore() == null) {
            throw new MetaInvalidException("run " + runId + " made the first commit of " + original.target()
                    + ": there is no earlier snapshot to go back to");
        }
        Stage into = p.stages().stream().filter(s -> original.target().equals(s.target())).findFirst()
                .orElseThrow(() -> new MetaInvalidException("pipeline '" + pipeline + "' no longer deploys into '"
                        + original.target() + "'"));
        checkRole(role, existingTarget(config, into), "roll back");
        Run run = Run.queued(team, pipeline, original.stage(), original.target(), original.target(), ROLLBACK, actor)
                .withRollbackOf(runId);
        return admit(p, run, "Rollback of run " + runId + " requested by " + actor);
    }

    private Run admit(Pipeline p, Run run, String requested) {
        if (queue.isClosed()) {
            throw new IllegalStateException("the pipeline engine is stopping");
        }
        // one admission at a time per pipeline: forbid's check and the creation cannot interleave, and queue
        // order is creation (id) order
        synchronized (locks.computeIfAbsent(PendingRuns.key(run.team(), p.name()), k -> new Object())) {
            Optional<String> active = pending.one(run.team(), p.name());
            if (p.concurrency() == Concurrency.FORBID && active.isPresent()) {
                throw new MetaConflictException("pipeline '" + p.name() + "' has run " + active.get()
                        + " queued, running or awaiting approval, and its concurrency is forbid: try again when it ends");
            }
            Run created = runs.create(run.withLog(clock.instant(), requested));
            pending.add(created);
            queue.submit(created, p.concurrency());
            return created;
        }
    }

    private static void checkRole(Role role, Target target, String verb) {
        if (role == null) {
            return;
        }
        if (!role.atLeast(Role.MEMBER)) {
            throw new PipelineForbiddenException("viewers cannot run pipelines: to " + verb + " " + target.kind().json()
                    + " '" + target.name() + "' you need the member role");
        }
        if (target.protectedMain() && !role.atLeast(Role.OWNER)) {
            throw new PipelineForbiddenException(target.kind().json() + " '" + target.name() + "' is protected: only owners "
                    + verb + " it");
        }
    }

    private String promptedSnapshot(String team, Stage from, Optional<String> snapshotSha) {
        String sha = snapshotSha.filter(s -> !s.isBlank()).orElseThrow(() -> new MetaInvalidException("stage '"
                + from.name() + "' uses prompt_snapshot: name the snapshot to deploy ({\"snapshot\": \"COMMIT-SHA\"})"));
        if (!ObjectId.isId(sha)) {
            throw new MetaInvalidException("snapshot '" + sha + "' is not a full commit id (40 hex digits)");
        }
        ObjectId id = ObjectId.fromString(sha);
        try {
            if (from.kind() == StageKind.DEVICE) {
                // a device's snapshots: what the server deployed to it, and what it uploaded itself
                if (!promoter.onMain(team, from.target(), id)
                        && !promoter.onRef(team, from.target(), RunExecutor.DEVICE_REF, id)) {
                    throw new MetaInvalidException("snapshot " + sha + " is neither on the main nor on refs/heads/device"
                            + " of device '" + from.target() + "'");
                }
            } else if (!promoter.onMain(team, from.target(), id)) {
                throw new MetaInvalidException("snapshot " + sha + " is not a commit on the main of "
                        + from.kind().json() + " '" + from.target() + "'");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + from.kind().json() + " '" + from.target() + "'", e);
        }
        return sha;
    }

    private TeamConfig config(String team) {
        if (!Names.isValid(team)) {
            throw new MetaNotFoundException("team '" + team + "' does not exist");
        }
        return teams.team(team).orElseThrow(() -> new MetaNotFoundException("team '" + team + "' does not exist"));
    }

    private static Pipeline pipeline(TeamConfig config, String name) {
        return ConfigPipelineStore.read(config, name).orElseThrow(() -> new MetaNotFoundException(
                "pipeline '" + name + "' does not exist in team '" + config.name() + "'"));
    }

    private static Target existingTarget(TeamConfig config, Stage s) {
        Target t = config.targets().get(s.target());
        if (t == null || !t.kind().json().equals(s.kind().json())) {
            throw new MetaInvalidException("stage '" + s.name() + "': " + s.kind().json() + " '" + s.target()
                    + "' does not exist in team " + config.name());
        }
        return t;
    }
}
