package dev.flowstage.web.api.targets;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.Application;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TokenScope;
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
import java.time.Instant;
import java.util.List;

/** A team's applications: team config, so only owners change them; every member reads them. */
@Path("teams/{team}/applications")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class ApplicationsResource {
    static final int MAX_DESCRIPTION = 1000;

    /** POST and PATCH body. */
    public record ApplicationBody(String name, String description) {}

    /** An application as shown. */
    public record ApplicationView(String name, String description, Instant createdAt) {
        static ApplicationView of(Application a) {
            return new ApplicationView(a.name(), a.description(), a.createdAt());
        }
    }

    private final ApiServices services;
    private final TeamGuard guard;

    @Inject
    public ApplicationsResource(ApiServices services, TeamGuard guard) {
        this.services = services;
        this.guard = guard;
    }

    @POST
    public Response create(@Context SecurityContext sc, @PathParam("team") String team, ApplicationBody body) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.WRITE);
        Bodies.require(body);
        String name = Names.require("application", Bodies.field("name", body.name()));
        Application app = new Application(name, description(body.description()), services.clock().instant());
        services.teams().edit(team, caller.displayName(), "Create application " + name, c -> {
            if (c.applications().containsKey(name)) {
                throw new MetaConflictException("application '" + name + "' already exists in team '" + team + "'");
            }
            return c.withApplication(name, app);
        });
        return Response.status(201).entity(ApplicationView.of(app)).build();
    }

    @GET
    public Page<ApplicationView> list(@Context SecurityContext sc, @PathParam("team") String team,
                                      @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        TeamConfig c = guard.require(ApiSecurityContext.principal(sc), team, Role.VIEWER, TokenScope.READ);
        return Page.of(List.copyOf(c.applications().values()), a -> Page.newestFirst(a.createdAt(), a.name()),
                ApplicationView::of, limit, cursor);
    }

    @GET
    @Path("{name}")
    public ApplicationView get(@Context SecurityContext sc, @PathParam("team") String team,
                               @PathParam("name") String name) {
        TeamConfig c = guard.require(ApiSecurityContext.principal(sc), team, Role.VIEWER, TokenScope.READ);
        return ApplicationView.of(existing(c, name));
    }

    @PATCH
    @Path("{name}")
    public ApplicationView update(@Context SecurityContext sc, @PathParam("team") String team,
                                  @PathParam("name") String name, ApplicationBody body) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.WRITE);
        Bodies.require(body);
        if (body.name() != null && !body.name().equals(name)) {
            throw ApiException.invalid("invalid_field", "applications cannot be renamed");
        }
        String description = description(body.description());
        TeamConfig after = services.teams().edit(team, caller.displayName(), "Update application " + name, c -> {
            Application a = existing(c, name);
            return c.withApplication(name, new Application(a.name(),
                    description != null ? description : a.description(), a.createdAt()));
        });
        return ApplicationView.of(after.applications().get(name));
    }

    @DELETE
    @Path("{name}")
    public Response delete(@Context SecurityContext sc, @PathParam("team") String team,
                           @PathParam("name") String name) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.WRITE);
        services.teams().edit(team, caller.displayName(), "Delete application " + name, c -> {
            existing(c, name);
            List<String> users = c.targets().values().stream()
                    .filter(t -> name.equals(t.application())).map(t -> t.name()).toList();
            if (!users.isEmpty()) {
                throw new MetaConflictException("application '" + name + "' is still used by " + String.join(", ", users));
            }
            return c.withApplication(name, null);
        });
        return Response.noContent().build();
    }

    private static Application existing(TeamConfig c, String name) {
        Application a = c.applications().get(name);
        if (a == null) {
            throw new MetaNotFoundException("application '" + name + "' not found");
        }
        return a;
    }

    private static String description(String d) {
        if (d != null && d.length() > MAX_DESCRIPTION) {
            throw ApiException.invalid("invalid_field", "description must be at most " + MAX_DESCRIPTION + " characters");
        }
        return d;
    }
}
