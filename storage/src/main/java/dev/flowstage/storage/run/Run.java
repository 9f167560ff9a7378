package dev.flowstage.storage.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One deploy of a pipeline stage: {@code sourceTarget}'s {@code sourceCommit} promoted into {@code target},
 * which moved from {@code targetBefore} to {@code targetAfter}. {@code id} is assigned by
 * {@link RunStore#create} (null before). Nullable: stage, sourceTarget, action, sourceCommit, targetBefore,
 * targetAfter, reviewId, rollbackOf (the run this one rolls back), startedAt, finishedAt, error, rollout
 * (a staged rollout into a group: where it stands).
 */
public record Run(String id, String team, String pipeline, String stage, String sourceTarget, String target,
        String action, String actor, RunStatus status, String sourceCommit, String targetBefore,
        String targetAfter, Long reviewId, String rollbackOf, Instant createdAt, Instant startedAt,
        Instant finishedAt, List<LogLine> log, String error, RolloutProgress rollout) {
    public Run {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(status, "status");
        log = log == null ? List.of() : List.copyOf(log);
    }

    /** A run without a rollout. */
    public Run(String id, String team, String pipeline, String stage, String sourceTarget, String target,
            String action, String actor, RunStatus status, String sourceCommit, String targetBefore,
            String targetAfter, Long reviewId, String rollbackOf, Instant createdAt, Instant startedAt,
            Instant finishedAt, List<LogLine> log, String error) {
        this(id, team, pipeline, stage, sourceTarget, target, action, actor, status, sourceCommit, targetBefore,
                targetAfter, reviewId, rollbackOf, createdAt, startedAt, finishedAt, log, error, null);
    }

    /** A new queued run, ready for {@link RunStore#create} (which sets id and createdAt). */
    public static Run queued(String team, String pipeline, String stage, String sourceTarget, String target,
            String action, String actor) {
        return new Run(null, team, pipeline, stage, sourceTarget, target, action, actor, RunStatus.QUEUED, null,
                null, null, null, null, null, null, null, List.of(), null);
    }

    public Run withId(String newId, Instant created) {
        return new Run(newId, team, pipeline, stage, sourceTarget, target, action, actor, status, sourceCommit,
                targetBefore, targetAfter, reviewId, rollbackOf, created, startedAt, finishedAt, log, error, rollout);
    }

    public Run withStatus(RunStatus s) {
        return new Run(id, team, pipeline, stage, sourceTarget, target, action, actor, s, sourceCommit,
                targetBefore, targetAfter, reviewId, rollbackOf, createdAt, startedAt, finishedAt, log, error, rollout);
    }

    /** Marks the run running at {@code at}. */
    public Run started(Instant at) {
        return new Run(id, team, pipeline, stage, sourceTarget, target, action, actor, RunStatus.RUNNING,
                sourceCommit, targetBefore, targetAfter, reviewId, rollbackOf, createdAt, at, finishedAt, log, error, rollout);
    }

    /** Ends the run with terminal status {@code s} at {@code at}; {@code err} may be null. */
    public Run finished(RunStatus s, Instant at, String err) {
        if (!s.isTerminal()) {
            throw new IllegalArgumentException("a run finishes with a terminal status, not " + s.json());
        }
        return new Run(id, team, pipeline, stage, sourceTarget, target, action, actor, s, sourceCommit,
                targetBefore, targetAfter, reviewId, rollbackOf, createdAt, startedAt, at, log, err, rollout);
    }

    public Run withCommits(String source, String before, String after) {
        return new Run(id, team, pipeline, stage, sourceTarget, target, action, actor, status, source, before,
                after, reviewId, rollbackOf, createdAt, startedAt, finishedAt, log, error, rollout);
    }

    public Run withReviewId(Long review) {
        return new Run(id, team, pipeline, stage, sourceTarget, target, action, actor, status, sourceCommit,
                targetBefore, targetAfter, review, rollbackOf, createdAt, startedAt, finishedAt, log, error, rollout);
    }

    public Run withRollbackOf(String runId) {
        return new Run(id, team, pipeline, stage, sourceTarget, target, action, actor, status, sourceCommit,
                targetBefore, targetAfter, reviewId, runId, createdAt, startedAt, finishedAt, log, error, rollout);
    }

    public Run withRollout(RolloutProgress progress) {
        return new Run(id, team, pipeline, stage, sourceTarget, target, action, actor, status, sourceCommit,
                targetBefore, targetAfter, reviewId, rollbackOf, createdAt, startedAt, finishedAt, log, error,
                progress);
    }

    public Run withLog(Instant at, String message) {
        List<LogLine> next = new ArrayList<>(log.size() + 1);
        next.addAll(log);
        next.add(new LogLine(at, message));
        return new Run(id, team, pipeline, stage, sourceTarget, target, action, actor, status, sourceCommit,
                targetBefore, targetAfter, reviewId, rollbackOf, createdAt, startedAt, finishedAt, next, error, rollout);
    }
}
