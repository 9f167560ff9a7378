package dev.flowstage.hooks.pipeline;

import dev.flowstage.storage.run.Run;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs of each pipeline that are queued, running or awaiting approval, in memory: what
 * {@code forbid} checks and what keeps a pipeline from being deleted.
 */
final class PendingRuns {
    private final ConcurrentHashMap<String, Set<String>> byPipeline = new ConcurrentHashMap<>();

    void add(Run run) {
        byPipeline.computeIfAbsent(key(run.team(), run.pipeline()), k -> ConcurrentHashMap.newKeySet()).add(run.id());
    }

    /** The run has ended (or no longer waits here): forbid admits the next deploy at once. */
    void release(Run run) {
        Set<String> ids = byPipeline.get(key(run.team(), run.pipeline()));
        if (ids != null) {
            ids.remove(run.id());
        }
    }

    boolean any(String team, String pipeline) {
        return one(team, pipeline).isPresent();
    }

    /** The id of one pending run of the pipeline, if it has any. */
    Optional<String> one(String team, String pipeline) {
        Set<String> ids = byPipeline.get(key(team, pipeline));
        return ids == null ? Optional.empty() : ids.stream().findFirst();
    }

    static String key(String team, String pipeline) {
        return team + "/" + pipeline;
    }
}
