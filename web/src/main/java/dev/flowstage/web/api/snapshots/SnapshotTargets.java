package dev.flowstage.web.api.snapshots;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.secret.SecretBox;
import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.TeamGuard;
import java.io.IOException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Repository;

/** Finds the target a snapshot request is about, once the caller may act on it, and opens its repository. */
final class SnapshotTargets {
    private final TeamGuard guard;
    private final RepoStore repos;
    private final SecretBox secrets;

    SnapshotTargets(TeamGuard guard, RepoStore repos, SecretBox secrets) {
        this.guard = guard;
        this.repos = repos;
        this.secrets = secrets;
    }

    /** The target {@code kind/name} of {@code team}; 404 when the caller is no member or it does not exist. */
    Target require(Principal caller, String team, String kind, String name, Role role, TokenScope scope) {
        TeamConfig config = guard.require(caller, team, role, scope);
        TargetKind k = TargetKind.fromPlural(kind);
        Target t = config.targets().get(name);
        if (t == null || t.kind() != k) {
            throw ApiException.notFound(k.json() + " '" + name + "' not found in team '" + team + "'");
        }
        return t;
    }

    /** The target's repository, open: the caller closes it. 404 when it is missing on disk. */
    Repository open(String team, Target target) throws IOException {
        try {
            return repos.open(new RepoName(team, target.name()));
        } catch (RepositoryNotFoundException e) {
            throw ApiException.notFound("the repository of " + target.kind().json() + " '" + target.name()
                    + "' does not exist");
        }
    }

    /** The target's credentialSecret in plain text, or null when it has none. */
    String credentialSecret(Target target) {
        return target.sealedCredentialSecret() == null ? null : secrets.open(target.sealedCredentialSecret());
    }
}
