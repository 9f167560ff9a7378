package dev.flowstage.storage.meta;

import dev.flowstage.storage.repo.RepoName;

/**
 * Told when a target's repository was created and when a team's configuration changed (an API edit or a
 * push to {@code _config.git}), after the change is stored: devices joining or leaving a group follow here.
 */
public interface TargetListener {
    default void repositoryCreated(RepoName repo) {}

    default void configChanged(String team, TeamConfig before, TeamConfig after) {}
}
