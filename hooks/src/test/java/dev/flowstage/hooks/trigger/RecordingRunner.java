package dev.flowstage.hooks.trigger;

import dev.flowstage.hooks.pipeline.PipelineRunner;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A PipelineRunner that records each deploy and answers a queued run: the triggers' only collaborator. */
final class RecordingRunner implements PipelineRunner {
    /** One deploy call. */
    record Call(String team, String pipeline, String stage, Optional<String> snapshot, String actor, String trigger) {}

    final List<Call> calls = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Call> awaited = new LinkedBlockingQueue<>();
    volatile RuntimeException refuse;

    /** The next deploy not yet awaited, waiting up to 10 s for one made on another thread. */
    Call awaitCall() throws InterruptedException {
        Call call = awaited.poll(10, TimeUnit.SECONDS);
        if (call == null) {
            throw new AssertionError("no deploy within 10 s");
        }
        return call;
    }

    @Override
    public Run deploy(String team, String pipeline, String stage, Optional<String> snapshotSha, String actor,
                      String trigger) {
        if (refuse != null) {
            throw refuse;
        }
        Call call = new Call(team, pipeline, stage, snapshotSha, actor, trigger);
        calls.add(call);
        awaited.add(call);
        String id = String.format("%06d", calls.size());
        return new Run(id, team, pipeline, stage, "dev", "qa", "use_latest_snapshot", actor, RunStatus.QUEUED,
                null, null, null, null, null, Instant.EPOCH, null, null, List.of(), null);
    }
}
