package dev.flowstage.storage.meta;

import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Team configurations, each kept in its team's {@code _config.git} on {@code refs/heads/main}
 * (files {@code team.json}, {@code members.json}, {@code applications/NAME.json},
 * {@code instances|devices|groups/NAME.json}; other files are carried as extra files).
 * Reads are cached by commit id, so they are never stale and cost one ref lookup.
 */
public interface TeamStore {
    Optional<TeamConfig> team(String team);

    /**
     * Creates the team's config repository with {@code owner} as its owner and registers the name.
     * @throws MetaConflictException when the team exists
     */
    TeamConfig create(String team, String owner);

    /**
     * Applies {@code edit} to the current configuration and commits the result as {@code actor} with
     * {@code message}; re-applies it on a concurrent change. {@code edit} may throw the Meta*Exceptions
     * to refuse. Returns the committed configuration. @throws MetaNotFoundException for an unknown team
     */
    TeamConfig edit(String team, String actor, String message, UnaryOperator<TeamConfig> edit);

    /** Removes the team's config repository and registry entry (target repos are removed by the caller). */
    void delete(String team);
}
