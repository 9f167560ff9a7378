package dev.flowstage.web.api.external;

import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.secrets.TeamSecret;
import dev.flowstage.hooks.secrets.TeamSecrets;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.web.api.ApiSecurityContext;
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
import java.time.Instant;

/**
 * A team's secrets (owners only): {@code PUT /teams/{team}/secrets/{path}} {@code {value}} sets one,
 * {@code GET /teams/{team}/secrets} lists paths and update times, {@code DELETE …/{path}}. Values are
 * write-only: no call returns them.
 */
@Path("teams/{team}/secrets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class SecretsResource {
    /** PUT body. */
    public record SetSecret(String value) {}

    /** A secret as listed: never its value. */
    public record SecretView(String path, Instant updatedAt) {
        static SecretView of(TeamSecret s) {
            return new SecretView(s.path(), s.updatedAt());
        }
    }

    private final TeamGuard guard;
    private final TeamSecrets secrets;

    @Inject
    public SecretsResource(TeamGuard guard, TeamSecrets secrets) {
        this.guard = guard;
        this.secrets = secrets;
    }

    @GET
    public Page<SecretView> list(@Context SecurityContext sc, @PathParam("team") String team,
                                 @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        guard.require(ApiSecurityContext.principal(sc), team, Role.OWNER, TokenScope.READ);
        return Page.of(secrets.list(team), TeamSecret::path, SecretView::of, limit, cursor);
    }

    @PUT
    @Path("{path: .+}")
    public Response put(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("path") String path,
                        SetSecret body) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.ADMIN);
        Bodies.require(body);
        Bodies.field("value", body.value());
        return Response.ok(SecretView.of(secrets.put(team, caller.displayName(), path, body.value()))).build();
    }

    @DELETE
    @Path("{path: .+}")
    public Response delete(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("path") String path) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.ADMIN);
        secrets.delete(team, caller.displayName(), path);
        return Response.noContent().build();
    }
}
