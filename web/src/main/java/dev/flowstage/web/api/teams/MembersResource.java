package dev.flowstage.web.api.teams;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TokenScope;
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
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Map;

/** A team's members and their roles; changing them is an owner's job with an admin-scope session. */
@Path("teams/{team}/members")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class MembersResource {
    /** PUT body. */
    public record SetRole(String role) {}

    /** One member. */
    public record MemberView(String user, String role) {}

    private final ApiServices services;
    private final TeamGuard guard;

    @Inject
    public MembersResource(ApiServices services, TeamGuard guard) {
        this.services = services;
        this.guard = guard;
    }

    @GET
    public Page<MemberView> list(@Context SecurityContext sc, @PathParam("team") String team,
                                 @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        TeamConfig config = guard.require(ApiSecurityContext.principal(sc), team, Role.VIEWER, TokenScope.READ);
        return Page.of(config.members().entrySet().stream().toList(), Map.Entry::getKey,
                e -> new MemberView(e.getKey(), e.getValue().json()), limit, cursor);
    }

    @PUT
    @Path("{user}")
    public Response put(@Context SecurityContext sc, @PathParam("team") String team,
                        @PathParam("user") String user, SetRole body) {
        Principal caller = ApiSecurityContext.principal(sc);
        TeamConfig before = guard.require(caller, team, Role.OWNER, TokenScope.ADMIN);
        Bodies.require(body);
        Role role = Role.parse(Bodies.field("role", body.role()));
        if (!Names.isValidUser(user) || services.site().user(user).isEmpty()) {
            throw new MetaInvalidException("user '" + user + "' does not exist");
        }
        services.teams().edit(team, caller.displayName(), "Set role of " + user + " to " + role.json(), c -> {
            if (c.role(user) == Role.OWNER && role != Role.OWNER) {
                requireAnotherOwner(c, user);
            }
            return c.withMember(user, role);
        });
        services.authenticator().invalidateAll();
        return Response.status(before.role(user) == null ? 201 : 200)
                .entity(new MemberView(user, role.json())).build();
    }

    @DELETE
    @Path("{user}")
    public Response remove(@Context SecurityContext sc, @PathParam("team") String team,
                           @PathParam("user") String user) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.ADMIN);
        services.teams().edit(team, caller.displayName(), "Remove member " + user, c -> {
            Role role = c.role(user);
            if (role == null) {
                throw new MetaNotFoundException("user '" + user + "' is not a member of team '" + team + "'");
            }
            if (role == Role.OWNER) {
                requireAnotherOwner(c, user);
            }
            return c.withMember(user, null);
        });
        services.authenticator().invalidateAll();
        return Response.noContent().build();
    }

    private static void requireAnotherOwner(TeamConfig c, String user) {
        boolean another = c.members().entrySet().stream()
                .anyMatch(e -> e.getValue() == Role.OWNER && !e.getKey().equals(user));
        if (!another) {
            throw new MetaConflictException("team '" + c.name() + "' must keep at least one owner");
        }
    }
}
