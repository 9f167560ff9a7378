package dev.flowstage.web.events;

import dev.flowstage.hooks.pipeline.PipelineRunner;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A PipelineRunner that records each deploy and answers a queued run, standing in for the engine. */
public final class RecordingRunner implements PipelineRunner {
    /** One deploy call. */
    public record Call(String team, String pipeline, String stage, Optional<String> snapshot, String actor,
                       String trigger) {}

    public final List<Call> calls = new CopyOnWriteArrayList<>();

    @Override
    public Run deploy(String team, String pipeline, String stage, Optional<String> snapshotSha, String actor,
                      String trigger) {
        calls.add(new Call(team, pipeline, stage, snapshotSha, actor, trigger));
        return new Run(String.format("%06d", calls.size()), team, pipeline, stage, "dev", "qa",
                "use_latest_snapshot", actor, RunStatus.QUEUED, null, null, null, null, null,
                Instant.parse("2026-01-01T00:00:00Z"), null, null, List.of(), null);
    }
}
