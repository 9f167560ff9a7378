package dev.flowstage.hooks.trigger;

import dev.flowstage.hooks.pipeline.PipelineRunner;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A PipelineRunner that records each deploy and answers a queued run: the triggers' only collaborator. */
final class RecordingRunner implements PipelineRunner {
    /** One deploy call. */
    record Call(String team, String pipeline, String stage, Optional<String> snapshot, String actor, String trigger) {}

    final List<Call> calls = new CopyOnWriteArrayList<>();
    volatile RuntimeException refuse;

    @Override
    public Run deploy(String team, String pipeline, String stage, Optional<String> snapshotSha, String actor,
                      String trigger) {
        if (refuse != null) {
            throw refuse;
        }
        calls.add(new Call(team, pipeline, stage, snapshotSha, actor, trigger));
        String id = String.format("%06d", calls.size());
        return new Run(id, team, pipeline, stage, "dev", "qa", "use_latest_snapshot", actor, RunStatus.QUEUED,
                null, null, null, null, null, Instant.EPOCH, null, null, List.of(), null);
    }
}
