package dev.flowstage.web.api.users;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.storage.Names;
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

/**
 * User accounts. Server admins create and list users and grant admin rights; everyone may read and
 * change their own password. Other users' accounts answer 404 to non-admins (no enumeration).
 */
@Path("users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Singleton
public final class UsersResource {
    public static final int MIN_PASSWORD = 8;
    public static final int MAX_PASSWORD = 1024;

    /** POST body; without a password one is generated and returned once. */
    public record CreateUser(String name, String password, Boolean admin) {}

    /** PATCH body; absent fields stay as they are. */
    public record UpdateUser(String password, Boolean admin) {}

    /** The answer to a creation: {@code password} only when the server generated it. */
    public record CreatedUser(String name, boolean admin, Instant createdAt,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String password) {}

    private final ApiServices services;

    @Inject
    public UsersResource(ApiServices services) {
        this.services = services;
    }

    @POST
    public Response create(@Context SecurityContext sc, CreateUser body) {
        requireAdmin(sc);
        Bodies.require(body);
        String name = Names.requireUser(Bodies.field("name", body.name()));
        String generated = body.password() == null ? Tokens.randomPassword() : null;
        String password = generated != null ? generated : checkPassword(body.password());
        User user = services.site().createUser(name, services.hasher().hash(password),
                Boolean.TRUE.equals(body.admin()));
        return Response.status(201)
                .entity(new CreatedUser(user.name(), user.admin(), user.createdAt(), generated))
                .build();
    }

    @GET
    public Page<UserView> list(@Context SecurityContext sc, @QueryParam("limit") String limit,
                               @QueryParam("cursor") String cursor) {
        requireAdmin(sc);
        return Page.of(services.site().users(), u -> Page.newestFirst(u.createdAt(), u.name()), UserView::of,
                limit, cursor);
    }

    @GET
    @Path("{name}")
    public UserView get(@Context SecurityContext sc, @PathParam("name") String name) {
        return UserView.of(visible(ApiSecurityContext.user(sc), name));
    }

    @PATCH
    @Path("{name}")
    public UserView update(@Context SecurityContext sc, @PathParam("name") String name, UpdateUser body) {
        UserPrincipal caller = ApiSecurityContext.user(sc);
        visible(caller, name);
        TeamGuard.requireScope(caller, TokenScope.ADMIN);
        Bodies.require(body);
        if (body.admin() != null) {
            if (!caller.admin()) {
                throw ApiException.forbidden("only a server admin can grant or remove admin rights");
            }
            if (!body.admin() && caller.name().equals(name)) {
                throw ApiException.conflict("you cannot remove your own admin rights");
            }
        }
        String hash = body.password() == null ? null : services.hasher().hash(checkPassword(body.password()));
        User updated = services.site().updateUser(name, u -> new User(u.name(),
                hash != null ? hash : u.passwordHash(),
                body.admin() != null ? body.admin() : u.admin(),
                u.createdAt(), u.keys(), u.tokens()));
        // A changed password or admin flag must apply to the very next request.
        services.authenticator().invalidateAll();
        return UserView.of(updated);
    }

    /**
     * Deletes an account with its keys and tokens. Refused while the user is in a team: a later
     * account of the same name must not inherit memberships.
     */
    @DELETE
    @Path("{name}")
    public Response delete(@Context SecurityContext sc, @PathParam("name") String name) {
        requireAdmin(sc);
        UserPrincipal caller = ApiSecurityContext.user(sc);
        if (caller.name().equals(name)) {
            throw ApiException.conflict("you cannot delete your own account");
        }
        services.site().user(name).orElseThrow(() -> ApiException.notFound("user '" + name + "' not found"));
        List<String> teams = services.site().teams().stream()
                .filter(t -> services.teams().team(t).map(c -> c.role(name) != null).orElse(false))
                .toList();
        if (!teams.isEmpty()) {
            throw ApiException.conflict("user '" + name + "' is still a member of " + String.join(", ", teams)
                    + "; remove them from those teams first");
        }
        services.site().deleteUser(name);
        services.authenticator().invalidateAll();
        return Response.noContent().build();
    }

    private User visible(UserPrincipal caller, String name) {
        if (!caller.admin() && !caller.name().equals(name)) {
            throw ApiException.notFound("user '" + name + "' not found");
        }
        return services.site().user(name).orElseThrow(() -> ApiException.notFound("user '" + name + "' not found"));
    }

    private static void requireAdmin(SecurityContext sc) {
        UserPrincipal caller = ApiSecurityContext.user(sc);
        if (!caller.admin()) {
            throw ApiException.forbidden("only a server admin can manage users");
        }
        TeamGuard.requireScope(caller, TokenScope.ADMIN);
    }

    private static String checkPassword(String password) {
        if (password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw ApiException.invalid("invalid_password", "password must be " + MIN_PASSWORD + " to "
                    + MAX_PASSWORD + " characters long");
        }
        return password;
    }
}
