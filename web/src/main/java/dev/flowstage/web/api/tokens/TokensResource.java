package dev.flowstage.web.api.tokens;

import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.AccessToken;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.meta.User;
import dev.flowstage.storage.secret.Tokens;
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
import java.time.Duration;
import java.time.Instant;

/**
 * The caller's personal access tokens. Managing tokens needs a password session or an admin-scope
 * token, so a read or write token can never mint a token stronger than itself.
 */
@Path("tokens")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class TokensResource {
    static final int MAX_DAYS = 3650;

    /** POST body. */
    public record CreateToken(String name, String scope, Integer expiresInDays) {}

    /** A token as listed: never its secret or hash. */
    public record TokenView(String name, String scope, Instant createdAt, Instant expiresAt) {
        static TokenView of(AccessToken t) {
            return new TokenView(t.name(), t.scope().json(), t.createdAt(), t.expiresAt());
        }
    }

    /** The answer to a creation: the only time the secret is shown. */
    public record CreatedToken(String name, String scope, String token, Instant createdAt, Instant expiresAt) {}

    private final ApiServices services;

    @Inject
    public TokensResource(ApiServices services) {
        this.services = services;
    }

    @POST
    public Response create(@Context SecurityContext sc, CreateToken body) {
        UserPrincipal caller = manager(sc);
        Bodies.require(body);
        String name = Names.require("token", Bodies.field("name", body.name()));
        TokenScope scope = TokenScope.parse(Bodies.field("scope", body.scope()));
        Instant now = services.clock().instant();
        Instant expiresAt = null;
        if (body.expiresInDays() != null) {
            int days = body.expiresInDays();
            if (days < 1 || days > MAX_DAYS) {
                throw ApiException.invalid("invalid_field", "expiresInDays must be from 1 to " + MAX_DAYS);
            }
            expiresAt = now.plus(Duration.ofDays(days));
        }
        String secret = Tokens.newPersonalToken();
        AccessToken stored = services.site().addToken(caller.name(),
                new AccessToken(name, Tokens.hash(secret), scope, now, expiresAt));
        return Response.status(201)
                .entity(new CreatedToken(stored.name(), scope.json(), secret, stored.createdAt(), stored.expiresAt()))
                .build();
    }

    @GET
    public Page<TokenView> list(@Context SecurityContext sc, @QueryParam("limit") String limit,
                                @QueryParam("cursor") String cursor) {
        UserPrincipal caller = manager(sc);
        User user = services.site().user(caller.name())
                .orElseThrow(() -> ApiException.notFound("user '" + caller.name() + "' not found"));
        return Page.of(user.tokens(), t -> Page.newestFirst(t.createdAt(), t.name()), TokenView::of, limit, cursor);
    }

    @DELETE
    @Path("{name}")
    public Response revoke(@Context SecurityContext sc, @PathParam("name") String name) {
        UserPrincipal caller = manager(sc);
        if (!services.site().revokeToken(caller.name(), name)) {
            throw ApiException.notFound("token '" + name + "' not found");
        }
        // The authenticator caches token lookups; revocation must not wait for the TTL.
        services.authenticator().invalidateAll();
        return Response.noContent().build();
    }

    private static UserPrincipal manager(SecurityContext sc) {
        UserPrincipal caller = ApiSecurityContext.user(sc);
        TeamGuard.requireScope(caller, TokenScope.ADMIN);
        return caller;
    }
}
