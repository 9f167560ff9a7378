package dev.flowstage.hooks.pipeline;

import dev.flowstage.storage.run.Run;

/**
 * Hears of pipeline runs being created and changing status (for the team's event stream). Called after
 * the run is stored, on the engine's or the caller's thread: return quickly.
 */
@FunctionalInterface
public interface RunListener {
    void onRun(Run run);
}
