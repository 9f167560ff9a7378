package dev.flowstage.web.api.external;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.secrets.GitIntegration;
import dev.flowstage.hooks.secrets.GitIntegrations;
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

/**
 * A team's Git integrations (owners only): {@code POST /teams/{team}/integrations/git}
 * {@code {name, provider: github|azure|other, username?, token, caCert?}}, {@code GET} (names, providers,
 * user names and CA fingerprints), {@code GET|DELETE …/{name}}. The token is write-only.
 */
@Path("teams/{team}/integrations/git")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class IntegrationsResource {
    /** POST body. */
    public record CreateIntegration(String name, String provider, String username, String token, String caCert) {}

    /** An integration as shown: never its token, the CA only by fingerprint. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record IntegrationView(String name, String provider, String username, String caFingerprint,
                                  Instant createdAt) {
        static IntegrationView of(GitIntegration g) {
            return new IntegrationView(g.name(), g.provider().json(), g.username(),
                    g.ca() == null ? null : g.ca().fingerprint(), g.createdAt());
        }
    }

    private final TeamGuard guard;
    private final GitIntegrations integrations;

    @Inject
    public IntegrationsResource(TeamGuard guard, GitIntegrations integrations) {
        this.guard = guard;
        this.integrations = integrations;
    }

    @POST
    public Response create(@Context SecurityContext sc, @PathParam("team") String team, CreateIntegration body) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.ADMIN);
        Bodies.require(body);
        String name = Bodies.field("name", body.name());
        Bodies.field("provider", body.provider());
        Bodies.field("token", body.token());
        GitIntegration g = integrations.create(team, caller.displayName(), name, body.provider(), body.username(),
                body.token(), body.caCert());
        return Response.status(201).entity(IntegrationView.of(g)).build();
    }

    @GET
    public Page<IntegrationView> list(@Context SecurityContext sc, @PathParam("team") String team,
                                      @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        guard.require(ApiSecurityContext.principal(sc), team, Role.OWNER, TokenScope.READ);
        return Page.of(integrations.list(team), GitIntegration::name, IntegrationView::of, limit, cursor);
    }

    @GET
    @Path("{name}")
    public IntegrationView get(@Context SecurityContext sc, @PathParam("team") String team,
                               @PathParam("name") String name) {
        guard.require(ApiSecurityContext.principal(sc), team, Role.OWNER, TokenScope.READ);
        return IntegrationView.of(integrations.get(team, name).orElseThrow(() -> GitIntegrations.notFound(team, name)));
    }

    @DELETE
    @Path("{name}")
    public Response delete(@Context SecurityContext sc, @PathParam("team") String team, @PathParam("name") String name) {
        Principal caller = ApiSecurityContext.principal(sc);
        guard.require(caller, team, Role.OWNER, TokenScope.ADMIN);
        integrations.delete(team, caller.displayName(), name);
        return Response.noContent().build();
    }
}
