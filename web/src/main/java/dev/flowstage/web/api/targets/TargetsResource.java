package dev.flowstage.web.api.targets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.upstream.UpstreamFiles;
import dev.flowstage.storage.meta.DeviceCredentials;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.SshKey;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.secret.Tokens;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.Page;
import dev.flowstage.web.api.TeamGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Instances, devices and groups of a team ({@code {kind}} is {@code instances|devices|groups}). Each
 * is an entry in the team config plus one bare repository; creating and deleting them is team
 * configuration, so owners do it and every member reads.
 */
@Path("teams/{team}/{kind: instances|devices|groups}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class TargetsResource {
    private static final Logger LOG = LoggerFactory.getLogger(TargetsResource.class);

    private final ApiServices services;
    private final TeamGuard guard;
    private final TargetBodies bodies;

    @Inject
    public TargetsResource(ApiServices services, TeamGuard guard, ObjectMapper mapper) {
        this.services = services;
        this.guard = guard;
        this.bodies = new TargetBodies(mapper, services.secrets(), services.nodeRed().outbound());
    }

    @POST
    public Response create(@Context SecurityContext sc, @PathParam("team") String team,
                           @PathParam("kind") String kind, JsonNode body) throws JsonProcessingException {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.WRITE);
        Target target = bodies.create(TargetKind.fromPlural(kind), body, services.clock().instant());
        String name = target.name();
        services.teams().edit(team, caller.displayName(), "Create " + target.kind().json() + " " + name, c -> {
            TargetBodies.checkReferences(c, target);
            Target taken = c.targets().get(name);
            if (taken != null) {
                throw new MetaConflictException("the name '" + name + "' is already used by "
                        + taken.kind().json() + " '" + name + "' in team '" + team + "'");
            }
            return c.withTarget(name, target);
        });
        RepoName repo = new RepoName(team, name);
        String deviceToken = null;
        boolean repoCreated = false;
        try {
            services.repos().create(repo).close();
            repoCreated = true;
            if (target.kind() == TargetKind.DEVICE) {
                deviceToken = Tokens.newDeviceToken();
                services.site().putDevice(new DeviceCredentials(team, name, Tokens.hash(deviceToken), List.of()));
            }
        } catch (FileAlreadyExistsException e) {
            rollBack(team, caller, target, false);
            throw new MetaConflictException("a repository " + repo + " is already on disk (left over from an"
                    + " earlier target?): remove it or choose another name");
        } catch (IOException | RuntimeException e) {
            rollBack(team, caller, target, repoCreated);
            throw e instanceof IOException io ? new UncheckedIOException("could not create repository " + repo, io)
                    : (RuntimeException) e;
        }
        return Response.status(201).entity(TargetView.of(team, target, services.urls(), deviceToken)).build();
    }

    @GET
    public Page<TargetView> list(@Context SecurityContext sc, @PathParam("team") String team,
                                 @PathParam("kind") String kind, @QueryParam("limit") String limit,
                                 @QueryParam("cursor") String cursor) {
        TeamConfig c = guard.require(ApiSecurityContext.principal(sc), team, Role.VIEWER, TokenScope.READ);
        TargetKind k = TargetKind.fromPlural(kind);
        List<Target> ofKind = c.targets().values().stream().filter(t -> t.kind() == k).toList();
        return Page.of(ofKind, t -> Page.newestFirst(t.createdAt(), t.name()),
                t -> TargetView.of(team, t, services.urls()), limit, cursor);
    }

    @GET
    @Path("{name}")
    public TargetView get(@Context SecurityContext sc, @PathParam("team") String team,
                          @PathParam("kind") String kind, @PathParam("name") String name) {
        TeamConfig c = guard.require(ApiSecurityContext.principal(sc), team, Role.VIEWER, TokenScope.READ);
        return TargetView.of(team, existing(c, kind, name), services.urls());
    }

    @PATCH
    @Path("{name}")
    public TargetView update(@Context SecurityContext sc, @PathParam("team") String team,
                             @PathParam("kind") String kind, @PathParam("name") String name, JsonNode body)
            throws JsonProcessingException {
        Principal caller = ApiSecurityContext.principal(sc);
        TeamConfig before = guard.require(caller, team, Role.OWNER, TokenScope.WRITE);
        Target changed = bodies.patch(existing(before, kind, name), body);
        TeamConfig after = services.teams().edit(team, caller.displayName(),
                "Update " + changed.kind().json() + " " + name, c -> {
                    Target current = existing(c, kind, name);
                    Target merged = new Target(current.kind(), name, changed.application(), changed.protectedMain(),
                            changed.nodeRed(), changed.sealedCredentialSecret(), changed.instance(),
                            changed.group(), current.createdAt());
                    TargetBodies.checkReferences(c, merged);
                    return c.withTarget(name, merged);
                });
        return TargetView.of(team, after.targets().get(name), services.urls());
    }

    @DELETE
    @Path("{name}")
    public Response delete(@Context SecurityContext sc, @PathParam("team") String team,
                           @PathParam("kind") String kind, @PathParam("name") String name) throws IOException {
        Principal caller = ApiSecurityContext.principal(sc);
        Target removed = existing(guard.require(caller, team, Role.OWNER, TokenScope.WRITE), kind, name);
        services.teams().edit(team, caller.displayName(), "Delete " + removed.kind().json() + " " + name, c -> {
            existing(c, kind, name);
            String users = c.targets().values().stream()
                    .filter(t -> name.equals(t.instance()) || name.equals(t.group()))
                    .map(Target::name).collect(Collectors.joining(", "));
            if (!users.isEmpty()) {
                throw new MetaConflictException(removed.kind().json() + " '" + name
                        + "' is still used by device(s) " + users);
            }
            // what follows the instance goes with it: a new instance of the same name must not start
            // syncing the old remote with the old configuration and webhook secret
            TeamConfig without = c.withTarget(name, null);
            return c.extraFiles().containsKey(UpstreamFiles.file(name))
                    ? without.withExtraFile(UpstreamFiles.file(name), null) : without;
        });
        RepoName repo = new RepoName(team, name);
        if (services.repos().exists(repo)) {
            services.repos().delete(repo);
        }
        if (removed.kind() == TargetKind.DEVICE) {
            services.site().removeDevice(team, name);
            services.authenticator().invalidateAll();
        }
        return Response.noContent().build();
    }

    /** Issues a new device token; the old one stops working at once. */
    @POST
    @Path("{name}/token")
    public Response regenerateToken(@Context SecurityContext sc, @PathParam("team") String team,
                                    @PathParam("kind") String kind, @PathParam("name") String name) {
        TeamConfig c = guard.require(ApiSecurityContext.principal(sc), team, Role.OWNER, TokenScope.ADMIN);
        Target device = existing(c, kind, name);
        if (device.kind() != TargetKind.DEVICE) {
            throw new MetaNotFoundException("only devices have tokens");
        }
        List<SshKey> keys = services.site().device(team, name).map(DeviceCredentials::keys).orElse(List.of());
        String token = Tokens.newDeviceToken();
        services.site().putDevice(new DeviceCredentials(team, name, Tokens.hash(token), keys));
        services.authenticator().invalidateAll();
        return Response.ok(TargetView.of(team, device, services.urls(), token)).build();
    }

    private static Target existing(TeamConfig c, String kind, String name) {
        Target t = c.targets().get(name);
        if (t == null || t.kind() != TargetKind.fromPlural(kind)) {
            throw new MetaNotFoundException(TargetKind.fromPlural(kind).json() + " '" + name + "' not found");
        }
        return t;
    }

    /** Undoes a half-done creation so a retry with the same name can succeed. */
    private void rollBack(String team, Principal caller, Target target, boolean repoCreated) {
        try {
            services.teams().edit(team, caller.displayName(), "Roll back creation of " + target.name(),
                    c -> c.withTarget(target.name(), null));
            if (repoCreated) {
                services.repos().delete(new RepoName(team, target.name()));
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("could not roll back {}/{} after a failed creation", team, target.name(), e);
        }
    }
}
