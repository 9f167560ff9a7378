package dev.flowstage.web.api;

import dev.flowstage.hooks.access.AccessControl;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.meta.TokenScope;
import java.util.Optional;

/**
 * Decides whether a caller may act on a team (SPEC §4) from {@link AccessControl#role}: non-members
 * get 404 as if the team did not exist; members whose role or token scope is too low get 403.
 */
public final class TeamGuard {
    private final TeamStore teams;
    private final AccessControl access;

    public TeamGuard(TeamStore teams, AccessControl access) {
        this.teams = teams;
        this.access = access;
    }

    /** The team's configuration, once the caller has at least {@code needed} with at least {@code scope}. */
    public TeamConfig require(Principal principal, String team, Role needed, TokenScope scope) {
        TeamConfig config = Names.isValid(team) ? teams.team(team).orElse(null) : null;
        Optional<Role> role = config == null ? Optional.empty() : access.role(principal, team);
        if (role.isEmpty()) {
            throw ApiException.notFound("team '" + team + "' not found");
        }
        if (!role.get().atLeast(needed)) {
            throw ApiException.forbidden("this needs the " + needed.json() + " role in team '" + team + "'");
        }
        requireScope(principal, scope);
        return config;
    }

    /**
     * Whether the caller has at least {@code needed} in {@code team} with a credential of at least
     * {@code scope}: a question for what to show (never an error), answered by the same rules as
     * {@link #require}. Fields that reveal a secret able to cause a write ask for WRITE.
     */
    public boolean allows(Principal principal, String team, Role needed, TokenScope scope) {
        return (!(principal instanceof UserPrincipal u) || u.scope().allows(scope))
                && access.role(principal, team).filter(r -> r.atLeast(needed)).isPresent();
    }

    /** Token scope check: a password or SSH session is ADMIN scope; tokens carry their own. */
    public static void requireScope(Principal principal, TokenScope scope) {
        if (principal instanceof UserPrincipal u && !u.scope().allows(scope)) {
            throw ApiException.forbidden("this needs a token with " + scope.json() + " scope");
        }
    }
}
