package dev.flowstage.hooks.pipeline;

import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What each device last reported {@code running} (its status reports), for the {@code use_active_snapshot}
 * action of a device stage. The device status store implements it; {@link #NONE} knows of no report.
 */
@FunctionalInterface
public interface ActiveCommits {
    ActiveCommits NONE = (team, device) -> Optional.empty();

    /** The commit {@code device} of {@code team} last reported running, if it reported one. */
    Optional<ObjectId> active(String team, String device);
}
