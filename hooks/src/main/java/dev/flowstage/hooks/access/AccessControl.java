package dev.flowstage.hooks.access;

import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.repo.RepoName;
import java.util.Optional;

/**
 * The one place that answers "may this principal ...". Team roles come from the team config;
 * a token's scope caps what its user may do; a device reaches only its own repository.
 */
public interface AccessControl {
    /** The principal's role in {@code team}: a user's membership, empty for non-members and devices. */
    Optional<Role> role(Principal principal, String team);

    /** Whether the principal may see that the repository exists and fetch from it. */
    boolean canRead(Principal principal, RepoName repo);

    /**
     * {@link #canRead(Principal, RepoName)} for a caller that has just read the team's config: the
     * answer must be the same; implementations may use {@code config} instead of reading it again.
     */
    default boolean canRead(Principal principal, RepoName repo, TeamConfig config) {
        return canRead(principal, repo);
    }

    /** Whether the principal may push at all (ref-level rules are the receive hook's job). */
    boolean canPush(Principal principal, RepoName repo);
}
