package dev.flowstage.web.api.pipelines;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flowstage.storage.run.LogLine;
import dev.flowstage.storage.run.RolloutProgress;
import dev.flowstage.storage.run.Run;
import java.time.Instant;
import java.util.List;

/** A run as the API shows it: status in lower case, commits, actor, timestamps and log lines. */
public record RunView(String id, String pipeline, String stage, String source, String target, String action,
        String actor, String status, String sourceCommit, String targetBefore, String targetAfter, Long reviewId,
        String rollbackOf, Instant createdAt, Instant startedAt, Instant finishedAt, String error,
        List<Line> log, @JsonInclude(JsonInclude.Include.NON_NULL) Rollout rollout) {
    /** One log line. */
    public record Line(Instant at, String message) {}

    /**
     * A staged rollout's progress: the current wave (1-based; 0 before the first) of {@code waves}, the
     * group's {@code devices}, how many are on target, pending or offline in the wave, failed so far and put back.
     */
    public record Rollout(int wave, int waves, List<Integer> percentages, int devices, int onTarget, int pending,
            int failed, int offline, int putBack, Instant waveStartedAt) {
        static Rollout of(RolloutProgress p) {
            return p == null ? null : new Rollout(p.wave(), p.waves().size(), p.waves(), p.devices().size(),
                    p.onTarget(), p.pending(), p.failed(), p.offline(), p.putBack(), p.waveStartedAt());
        }
    }

    static RunView of(Run r) {
        return new RunView(r.id(), r.pipeline(), r.stage(), r.sourceTarget(), r.target(), r.action(), r.actor(),
                r.status().json(), r.sourceCommit(), r.targetBefore(), r.targetAfter(), r.reviewId(), r.rollbackOf(),
                r.createdAt(), r.startedAt(), r.finishedAt(), r.error(),
                r.log().stream().map((LogLine l) -> new Line(l.at(), l.message())).toList(), Rollout.of(r.rollout()));
    }
}
