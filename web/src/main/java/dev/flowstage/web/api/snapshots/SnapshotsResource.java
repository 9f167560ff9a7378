package dev.flowstage.web.api.snapshots;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.snapshot.InvalidSnapshotException;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotReader;
import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.Page;
import dev.flowstage.web.api.TeamGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
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
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * The snapshots of an instance, device or group (SPEC §5): commits on {@code main} and tagged commits,
 * newest first, and one snapshot's files. Every member reads them; non-members get 404.
 */
@Path("teams/{team}/{kind: instances|devices|groups}/{name}/snapshots")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class SnapshotsResource {
    private final SnapshotTargets targets;
    private final ObjectMapper json;

    @Inject
    public SnapshotsResource(ApiServices services, TeamGuard guard, ObjectMapper json) {
        this.targets = new SnapshotTargets(guard, services.repos(), services.secrets());
        this.json = json;
    }

    @GET
    public Page<SnapshotView> list(@Context SecurityContext sc, @PathParam("team") String team,
                                   @PathParam("kind") String kind, @PathParam("name") String name,
                                   @QueryParam("limit") String limit, @QueryParam("cursor") String cursor)
            throws IOException {
        Target target = targets.require(ApiSecurityContext.principal(sc), team, kind, name, Role.VIEWER,
                TokenScope.READ);
        try (Repository repo = targets.open(team, target)) {
            return SnapshotHistory.list(repo, limit, cursor);
        }
    }

    @GET
    @Path("{id}")
    public SnapshotDetail get(@Context SecurityContext sc, @PathParam("team") String team,
                              @PathParam("kind") String kind, @PathParam("name") String name,
                              @PathParam("id") String id) throws IOException {
        Target target = targets.require(ApiSecurityContext.principal(sc), team, kind, name, Role.VIEWER,
                TokenScope.READ);
        try (Repository repo = targets.open(team, target); RevWalk walk = new RevWalk(repo)) {
            RevCommit commit = SnapshotHistory.resolve(repo, walk, id);
            return SnapshotDetail.of(SnapshotHistory.describe(repo, walk, commit), read(repo, commit),
                    targets.credentialSecret(target), json);
        }
    }

    /** The snapshot files of {@code commit}; a tree that cannot be one (a folder named flows.json) is a 422. */
    static Snapshot read(Repository repo, RevCommit commit) throws IOException {
        try {
            return SnapshotReader.read(repo, commit);
        } catch (InvalidSnapshotException e) {
            throw ApiException.invalid("invalid_snapshot", "commit " + commit.name() + " is not a readable snapshot: "
                    + e.getMessage());
        }
    }
}
