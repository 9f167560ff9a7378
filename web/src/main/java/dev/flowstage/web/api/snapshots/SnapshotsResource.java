package dev.flowstage.web.api.snapshots;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.nodered.MainBranch;
import dev.flowstage.hooks.nodered.NodeRedException;
import dev.flowstage.hooks.nodered.NodeRedServices;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.snapshot.SnapshotProblem;
import dev.flowstage.storage.snapshot.SnapshotValidator;
import dev.flowstage.web.api.Bodies;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
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
 * The snapshots of an instance, device or group (SPEC §5): list, read, create (from the live Node-RED or
 * by tagging main), export to and import from FlowFuse's snapshot format. Viewers read; members create
 * and export; members import onto unprotected instances (protected instances, devices and groups change
 * only through pipelines and reviews); non-members get 404.
 */
@Path("teams/{team}/{kind: instances|devices|groups}/{name}/snapshots")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class SnapshotsResource {
    /** {@code POST …/snapshots}. */
    public record CreateBody(String name, String description) {}

    /** {@code POST …/snapshots/{id}/export}: the secret to encrypt the exported credentials with. */
    public record ExportBody(String secret) {}

    /** {@code POST …/snapshots/import}: a FlowFuse snapshot and the secret its credentials are encrypted with. */
    public record ImportBody(JsonNode snapshot, String secret) {}

    private final SnapshotTargets targets;
    private final NodeRedServices nodeRed;
    private final ObjectMapper json;
    private final SnapshotValidator validator = new SnapshotValidator();

    @Inject
    public SnapshotsResource(ApiServices services, TeamGuard guard, ObjectMapper json) {
        this.targets = new SnapshotTargets(guard, services.repos(), services.secrets());
        this.nodeRed = services.nodeRed();
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

    @POST
    public Response create(@Context SecurityContext sc, @PathParam("team") String team,
                           @PathParam("kind") String kind, @PathParam("name") String name, CreateBody body)
            throws IOException {
        Principal caller = ApiSecurityContext.principal(sc);
        Target target = targets.require(caller, team, kind, name, Role.MEMBER, TokenScope.WRITE);
        Bodies.require(body);
        String snapshotName = Bodies.field("name", body.name()).strip();
        if (!MainBranch.isValidTagName(snapshotName)) {
            throw ApiException.invalid("invalid_snapshot_name", "snapshot name '" + snapshotName + "' must be usable"
                    + " as a Git tag: up to 100 letters, digits, '.', '_', '-' and '/'");
        }
        String message = CommitMessage.format(snapshotName, body.description());
        PersonIdent actor = ident(caller);
        ObjectId commit;
        if (target.kind() == TargetKind.INSTANCE && target.nodeRed() != null) {
            try {
                commit = nodeRed.capture().capture(team, target, snapshotName, message, actor).commit();
            } catch (NodeRedException e) {
                throw new ApiException(502, "node_red_" + e.reason().name().toLowerCase(java.util.Locale.ROOT),
                        e.getMessage() + "; no snapshot was taken");
            } catch (InvalidSnapshotException e) {
                throw ApiException.invalid("invalid_snapshot", "the flows running in Node-RED are not a valid snapshot: "
                        + e.getMessage());
            }
        } else {
            try (Repository repo = targets.open(team, target)) {
                commit = MainBranch.head(repo);
                if (commit == null) {
                    throw ApiException.conflict(target.kind().json() + " '" + name + "' has no commits on main yet:"
                            + " there is nothing to name");
                }
                MainBranch.tag(repo, commit, snapshotName, message, actor);
            }
        }
        return Response.status(201).entity(view(team, target, commit).named(snapshotName, body.description()))
                .build();
    }

    @GET
    @Path("{id}/export")
    public JsonNode exportByQuery(@Context SecurityContext sc, @PathParam("team") String team,
                                  @PathParam("kind") String kind, @PathParam("name") String name,
                                  @PathParam("id") String id, @QueryParam("secret") String secret) throws IOException {
        return export(ApiSecurityContext.principal(sc), team, kind, name, id, secret);
    }

    /** The preferred form: the secret travels in the body, not in a URL that proxies and logs keep. */
    @POST
    @Path("{id}/export")
    public JsonNode exportByBody(@Context SecurityContext sc, @PathParam("team") String team,
                                 @PathParam("kind") String kind, @PathParam("name") String name,
                                 @PathParam("id") String id, ExportBody body) throws IOException {
        return export(ApiSecurityContext.principal(sc), team, kind, name, id, Bodies.require(body).secret());
    }

    private JsonNode export(Principal caller, String team, String kind, String name, String id, String secret)
            throws IOException {
        // The export carries the credentials, readable with a secret the caller picks: that reveals
        // secrets, so neither viewers nor read-scope tokens may export.
        Target target = targets.require(caller, team, kind, name, Role.MEMBER, TokenScope.WRITE);
        if (secret == null || secret.isEmpty()) {
            throw ApiException.invalid("missing_field", "field 'secret' is required: the exported credentials are"
                    + " encrypted with it");
        }
        try (Repository repo = targets.open(team, target); RevWalk walk = new RevWalk(repo)) {
            RevCommit commit = SnapshotHistory.resolve(repo, walk, id);
            return FlowFuseExport.export(json, SnapshotHistory.describe(repo, walk, commit), read(repo, commit),
                    targets.credentialSecret(target), secret);
        }
    }

    @POST
    @Path("import")
    public Response importSnapshot(@Context SecurityContext sc, @PathParam("team") String team,
                                   @PathParam("kind") String kind, @PathParam("name") String name, ImportBody body)
            throws IOException {
        Principal caller = ApiSecurityContext.principal(sc);
        Target target = targets.require(caller, team, kind, name, Role.MEMBER, TokenScope.WRITE);
        requireWritableMain(target);
        JsonNode file = Bodies.field("snapshot", Bodies.require(body).snapshot());
        String secret = targets.credentialSecret(target);
        try (Repository repo = targets.open(team, target)) {
            ObjectId head = MainBranch.head(repo);
            Snapshot current = head == null ? Snapshot.EMPTY : read(repo, repo.parseCommit(head));
            Snapshot next = FlowFuseImport.toSnapshot(json, file, body.secret(), current, name, secret);
            List<SnapshotProblem> problems = validator.validate(next);
            if (!problems.isEmpty()) {
                throw ApiException.invalid("invalid_snapshot", "the snapshot is not valid; nothing was imported:\n"
                        + problems.stream().map(SnapshotProblem::describe).collect(Collectors.joining("\n")));
            }
            ObjectId commit = MainBranch.commit(repo, head, next, ident(caller),
                    CommitMessage.format(FlowFuseImport.name(file), FlowFuseImport.description(file)));
            nodeRed.mainMoved().onMainMoved(team, name, head == null ? null : head.name(), commit.name(),
                    caller.displayName());
            return Response.status(201).entity(view(team, target, commit)).build();
        }
    }

    /** Protected instances, devices and groups: main changes only through pipelines and reviews (SPEC §3.3). */
    private static void requireWritableMain(Target target) {
        if (target.kind() != TargetKind.INSTANCE) {
            throw ApiException.forbidden("main of " + target.kind().json() + " '" + target.name() + "' changes only"
                    + " through pipeline deployments; import the snapshot into an instance and promote it");
        }
        if (target.protectedMain()) {
            throw new ApiException(403, "protected", "instance '" + target.name() + "' is protected: its main changes"
                    + " only through pipeline promotions and approved reviews, not by import");
        }
    }

    private SnapshotView view(String team, Target target, ObjectId commit) throws IOException {
        try (Repository repo = targets.open(team, target); RevWalk walk = new RevWalk(repo)) {
            return SnapshotHistory.describe(repo, walk, walk.parseCommit(commit));
        }
    }

    private static PersonIdent ident(Principal caller) {
        return new PersonIdent(caller.displayName(), caller.displayName() + "@flowstage.invalid");
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
