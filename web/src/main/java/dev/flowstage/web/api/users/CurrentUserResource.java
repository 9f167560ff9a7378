package dev.flowstage.web.api.users;

import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.storage.meta.OpenSshKeys;
import dev.flowstage.storage.meta.SshKey;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.meta.User;
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
import java.time.Instant;

/** The signed-in user ({@code /user}) and their SSH keys ({@code /user/keys}). */
@Path("user")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class CurrentUserResource {
    static final int MAX_TITLE = 100;

    /** POST body: a title and one OpenSSH public key line. */
    public record AddKey(String title, String key) {}

    /** A key as listed. */
    public record KeyView(String title, String type, String fingerprint, String key, Instant createdAt) {
        public static KeyView of(SshKey k) {
            int space = k.publicKey().indexOf(' ');
            String type = space < 0 ? k.publicKey() : k.publicKey().substring(0, space);
            return new KeyView(k.title(), type, k.fingerprint(), k.publicKey(), k.createdAt());
        }
    }

    private final ApiServices services;

    @Inject
    public CurrentUserResource(ApiServices services) {
        this.services = services;
    }

    @GET
    public UserView self(@Context SecurityContext sc) {
        return UserView.of(current(sc));
    }

    @GET
    @Path("keys")
    public Page<KeyView> keys(@Context SecurityContext sc, @QueryParam("limit") String limit,
                              @QueryParam("cursor") String cursor) {
        return Page.of(current(sc).keys(), k -> Page.newestFirst(k.createdAt(), k.title()), KeyView::of,
                limit, cursor);
    }

    @POST
    @Path("keys")
    public Response addKey(@Context SecurityContext sc, AddKey body) {
        User user = current(sc);
        TeamGuard.requireScope(ApiSecurityContext.user(sc), TokenScope.ADMIN);
        Bodies.require(body);
        String title = Bodies.field("title", body.title()).strip();
        if (title.length() > MAX_TITLE || title.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid("invalid_field", "title must be at most " + MAX_TITLE
                    + " characters without control characters");
        }
        OpenSshKeys.ParsedKey parsed = OpenSshKeys.parse(Bodies.field("key", body.key()).strip());
        SshKey key = services.site().addKey(user.name(),
                new SshKey(title, parsed.fingerprint(), parsed.line(), services.clock().instant()));
        return Response.status(201).entity(KeyView.of(key)).build();
    }

    @DELETE
    @Path("keys/{title}")
    public Response removeKey(@Context SecurityContext sc, @PathParam("title") String title) {
        User user = current(sc);
        TeamGuard.requireScope(ApiSecurityContext.user(sc), TokenScope.ADMIN);
        if (!services.site().removeKey(user.name(), title)) {
            throw ApiException.notFound("key '" + title + "' not found");
        }
        // Cached key lookups must not outlive the key.
        services.authenticator().invalidateAll();
        return Response.noContent().build();
    }

    private User current(SecurityContext sc) {
        UserPrincipal caller = ApiSecurityContext.user(sc);
        return services.site().user(caller.name())
                .orElseThrow(() -> ApiException.notFound("user '" + caller.name() + "' not found"));
    }
}
