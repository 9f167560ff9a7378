package dev.flowstage.hooks.access;

import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.RepoName;
import java.util.Objects;
import java.util.Optional;

/**
 * Access decisions from team membership (SPEC §4): any member may read the team's repositories,
 * members and owners push with a write-scoped credential, only owners push the team config, server
 * admins act as owners of every team, and a device reaches its own repository only.
 */
public final class TeamAccessControl implements AccessControl {
    private final TeamStore teams;

    public TeamAccessControl(TeamStore teams) {
        this.teams = Objects.requireNonNull(teams);
    }

    @Override
    public Optional<Role> role(Principal principal, String team) {
        if (!(principal instanceof UserPrincipal user)) {
            return Optional.empty();
        }
        return role(user, teams.team(team));
    }

    private static Optional<Role> role(UserPrincipal user, Optional<TeamConfig> config) {
        if (config.isEmpty()) {
            return Optional.empty();
        }
        if (user.admin()) {
            return Optional.of(Role.OWNER);
        }
        return Optional.ofNullable(config.get().role(user.name()));
    }

    @Override
    public boolean canRead(Principal principal, RepoName repo) {
        if (principal instanceof DevicePrincipal device) {
            return ownRepo(device, repo);
        }
        return role(principal, repo.team()).isPresent();
    }

    @Override
    public boolean canRead(Principal principal, RepoName repo, TeamConfig config) {
        if (principal instanceof DevicePrincipal device) {
            return isOwn(device, repo); // the team exists: its config was read
        }
        return principal instanceof UserPrincipal user && role(user, Optional.of(config)).isPresent();
    }

    @Override
    public boolean canPush(Principal principal, RepoName repo) {
        if (principal instanceof DevicePrincipal device) {
            return ownRepo(device, repo);
        }
        Role needed = repo.isConfig() ? Role.OWNER : Role.MEMBER;
        return ((UserPrincipal) principal).scope().allows(TokenScope.WRITE)
                && role(principal, repo.team()).filter(r -> r.atLeast(needed)).isPresent();
    }

    private boolean ownRepo(DevicePrincipal device, RepoName repo) {
        return isOwn(device, repo) && teams.team(repo.team()).isPresent();
    }

    private static boolean isOwn(DevicePrincipal device, RepoName repo) {
        return !repo.isConfig() && device.team().equals(repo.team()) && device.name().equals(repo.name());
    }
}
