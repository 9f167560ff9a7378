package dev.flowstage.hooks.pipeline;

import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStore;
import java.util.List;
import java.util.Optional;

/** The reads of runs the API needs: one run, a pipeline's runs, and whether a pipeline has pending runs. */
final class RunQueries {
    private final RunStore runs;
    private final PendingRuns pending;

    RunQueries(RunStore runs, PendingRuns pending) {
        this.runs = runs;
        this.pending = pending;
    }

    boolean hasPending(String team, String pipeline) {
        return pending.any(team, pipeline);
    }

    Optional<Run> run(String team, String id) {
        return runs.get(team, id);
    }

    List<Run> runs(String team, String pipeline, int limit, String afterId) {
        return runs.list(team, pipeline, limit, afterId);
    }
}
