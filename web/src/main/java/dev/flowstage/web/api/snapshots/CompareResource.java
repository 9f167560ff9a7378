package dev.flowstage.web.api.snapshots;

import dev.flowstage.hooks.diff.FlowDiff;
import dev.flowstage.hooks.diff.FlowDiffResult;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.TeamGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

/** The semantic flow diff (SPEC §7) between two commits of a target: {@code GET …/compare?from=SHA&to=SHA}. */
@Path("teams/{team}/{kind: instances|devices|groups}/{name}/compare")
@Produces(MediaType.APPLICATION_JSON)
@Singleton
public final class CompareResource {
    private final SnapshotTargets targets;
    private final FlowDiff diff = new FlowDiff();

    @Inject
    public CompareResource(ApiServices services, TeamGuard guard) {
        this.targets = new SnapshotTargets(guard, services.repos(), services.secrets());
    }

    @GET
    public FlowDiffResult compare(@Context SecurityContext sc, @PathParam("team") String team,
                                  @PathParam("kind") String kind, @PathParam("name") String name,
                                  @QueryParam("from") String from, @QueryParam("to") String to) throws IOException {
        Target target = targets.require(ApiSecurityContext.principal(sc), team, kind, name, Role.VIEWER,
                TokenScope.READ);
        try (Repository repo = targets.open(team, target); RevWalk walk = new RevWalk(repo)) {
            var before = SnapshotsResource.read(repo, SnapshotHistory.commit(repo, walk, "from", from));
            var after = SnapshotsResource.read(repo, SnapshotHistory.commit(repo, walk, "to", to));
            try {
                return diff.compare(before, after);
            } catch (IllegalArgumentException e) {
                // a commit that never passed the receive rules (a work branch) can hold any JSON
                throw ApiException.invalid("invalid_snapshot", e.getMessage());
            }
        }
    }
}
