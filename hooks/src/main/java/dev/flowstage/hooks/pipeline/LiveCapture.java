package dev.flowstage.hooks.pipeline;

import java.io.IOException;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Captures an instance's live Node-RED state as a new snapshot on its {@code main} (the
 * {@code create_snapshot} action). Provided by the live Node-RED integration; {@link #NONE} when the
 * server has none, in which case the run uses the instance's current {@code main} and says so.
 */
@FunctionalInterface
public interface LiveCapture {
    LiveCapture NONE = (team, instance, runId, actor) -> Optional.empty();

    /**
     * The snapshot commit of the instance's live state, captured for run {@code runId}; empty when the
     * instance has no live Node-RED to read.
     */
    Optional<ObjectId> capture(String team, String instance, String runId, String actor) throws IOException;
}
