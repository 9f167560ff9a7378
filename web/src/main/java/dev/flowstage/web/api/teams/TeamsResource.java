package dev.flowstage.web.api.teams;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.Bodies;
import dev.flowstage.web.api.Page;
import dev.flowstage.web.api.TeamGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Teams. Only server admins create teams (SPEC §4), and the creator becomes the owner. A caller
 * sees the teams where AccessControl gives them a role (admins: all). Deleting a team (owner)
 * removes its target repos and device credentials.
 */
@Path("teams")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class TeamsResource {
    /** POST body. */
    public record CreateTeam(String name) {}

    /** A team with the caller's role in it. */
    public record TeamView(String name, Instant createdAt, String role) {
        static TeamView of(TeamConfig c, Optional<Role> role) {
            return new TeamView(c.name(), c.createdAt(), role.map(Role::json).orElse(null));
        }
    }

    private final ApiServices services;
    private final TeamGuard guard;

    @Inject
    public TeamsResource(ApiServices services, TeamGuard guard) {
        this.services = services;
        this.guard = guard;
    }

    @POST
    public Response create(@Context SecurityContext sc, CreateTeam body) {
        UserPrincipal caller = ApiSecurityContext.user(sc);
        if (!caller.admin()) {
            throw ApiException.forbidden("only a server admin can create teams");
        }
        TeamGuard.requireScope(caller, TokenScope.ADMIN);
        Bodies.require(body);
        String name = Names.require("team", Bodies.field("name", body.name()));
        TeamConfig created = services.teams().create(name, caller.name());
        return Response.status(201).entity(TeamView.of(created, Optional.of(Role.OWNER))).build();
    }

    @GET
    public Page<TeamView> list(@Context SecurityContext sc, @QueryParam("limit") String limit,
                               @QueryParam("cursor") String cursor) {
        Principal caller = ApiSecurityContext.principal(sc);
        List<TeamView> visible = new ArrayList<>();
        for (String name : services.site().teams()) {
            Optional<Role> role = services.access().role(caller, name);
            if (role.isPresent()) {
                services.teams().team(name).ifPresent(c -> visible.add(TeamView.of(c, role)));
            }
        }
        return Page.of(visible, t -> Page.newestFirst(t.createdAt(), t.name()), t -> t, limit, cursor);
    }

    @GET
    @Path("{team}")
    public TeamView get(@Context SecurityContext sc, @PathParam("team") String team) {
        Principal caller = ApiSecurityContext.principal(sc);
        TeamConfig config = guard.require(caller, team, Role.VIEWER, TokenScope.READ);
        return TeamView.of(config, services.access().role(caller, team));
    }

    @DELETE
    @Path("{team}")
    public Response delete(@Context SecurityContext sc, @PathParam("team") String team) {
        TeamConfig config = guard.require(ApiSecurityContext.principal(sc), team, Role.OWNER, TokenScope.ADMIN);
        for (Target t : config.targets().values()) {
            RepoName repo = new RepoName(team, t.name());
            try {
                if (services.repos().exists(repo)) {
                    services.repos().delete(repo);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not delete repository " + repo, e);
            }
            if (t.kind() == TargetKind.DEVICE) {
                services.site().removeDevice(team, t.name());
            }
        }
        services.teams().delete(team);
        services.authenticator().invalidateAll();
        return Response.noContent().build();
    }
}
