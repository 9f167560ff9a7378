package dev.flowstage.web.api.pipelines;

import dev.flowstage.storage.run.LogLine;
import dev.flowstage.storage.run.Run;
import java.time.Instant;
import java.util.List;

/** A run as the API shows it: status in lower case, commits, actor, timestamps and log lines. */
public record RunView(String id, String pipeline, String stage, String source, String target, String action,
        String actor, String status, String sourceCommit, String targetBefore, String targetAfter, Long reviewId,
        String rollbackOf, Instant createdAt, Instant startedAt, Instant finishedAt, String error,
        List<Line> log) {
    /** One log line. */
    public record Line(Instant at, String message) {}

    static RunView of(Run r) {
        return new RunView(r.id(), r.pipeline(), r.stage(), r.sourceTarget(), r.target(), r.action(), r.actor(),
                r.status().json(), r.sourceCommit(), r.targetBefore(), r.targetAfter(), r.reviewId(), r.rollbackOf(),
                r.createdAt(), r.startedAt(), r.finishedAt(), r.error(),
                r.log().stream().map((LogLine l) -> new Line(l.at(), l.message())).toList());
    }
}
