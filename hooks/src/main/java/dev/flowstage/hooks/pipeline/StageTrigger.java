package dev.flowstage.hooks.pipeline;

import java.util.List;

/**
 * When a stage deploys by itself: on a push to its own target's {@code main} (filtered by {@code paths}
 * globs, skipped when the commit message contains {@code skipMarker}) and/or on a cron {@code schedule}.
 * Nullable: skipMarker, schedule.
 */
public record StageTrigger(boolean onPush, List<String> paths, String skipMarker, String schedule) {
    public StageTrigger {
        paths = paths == null ? List.of() : List.copyOf(paths);
    }
}
