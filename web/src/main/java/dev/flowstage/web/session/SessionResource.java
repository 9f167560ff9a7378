package dev.flowstage.web.session;

import dev.flowstage.hooks.access.Credentials;
import dev.flowstage.hooks.access.LoginResult;
import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.storage.meta.User;
import dev.flowstage.storage.secret.Tokens;
import dev.flowstage.web.api.ApiError;
import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.api.ApiServices;
import dev.flowstage.web.api.Bodies;
import dev.flowstage.web.events.SameOrigin;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code /api/v1/session}: sign in with a user name and password ({@code POST}, sets the session
 * cookie and answers the CSRF token), who is signed in ({@code GET}), sign out ({@code DELETE}).
 * Sign-in attempts count against the same throttle as every other password check.
 */
@Path(SessionResource.PATH)
public final class SessionResource {
    public static final String PATH = "session";

    /** The sign-in form. */
    public record SignIn(String username, String password) {}

    /** What the browser keeps: who it is, the CSRF token to echo, when the session ends if idle. */
    public record SessionView(UserView user, String csrfToken, Instant expiresAt) {}

    public record UserView(String name, boolean admin) {}

    private final ApiServices services;
    private final WebSessions sessions;

    @Inject
    public SessionResource(ApiServices services, WebSessions sessions) {
        this.services = services;
        this.sessions = sessions;
    }

    /** Whether a request is the (anonymous) sign-in itself. */
    public static boolean isSignIn(ContainerRequestContext request) {
        String p = request.getUriInfo().getPath();
        return HttpMethod.POST.equals(request.getMethod()) && (p.equals(PATH) || p.equals("/" + PATH));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response signIn(@Context HttpServletRequest http, @Context HttpHeaders headers, SignIn body) {
        String origin = headers.getHeaderString("Origin");
        if (origin != null && !SameOrigin.matches(origin, http.isSecure(), headers.getHeaderString(HttpHeaders.HOST))) {
            throw ApiException.forbidden("refused: a sign-in from another site (Origin " + origin + ")");
        }
        if (body == null) {
            throw ApiException.badRequest("invalid_body", "send {\"username\": ..., \"password\": ...}");
        }
        String username = Bodies.field("username", body.username()).strip();
        String password = Bodies.field("password", body.password());
        if (password.startsWith(Tokens.PERSONAL_PREFIX) || password.startsWith(Tokens.DEVICE_PREFIX)) {
            // a token is for tools; a browser signs in with the password
            throw ApiException.badRequest("password_required", "sign in with your password, not an access token");
        }
        LoginResult login = services.authenticator().login(new Credentials.Basic(username, password), http.getRemoteAddr());
        if (login instanceof LoginResult.Throttled t) {
            return Response.fromResponse(ApiError.response(429, "too_many_attempts", t.message()))
                    .header(HttpHeaders.RETRY_AFTER, t.retryAfterSeconds()).build();
        }
        Optional<User> user = services.site().user(username);
        if (!(login instanceof LoginResult.Success s) || !(s.principal() instanceof UserPrincipal) || user.isEmpty()) {
            return ApiError.response(401, "unauthorized", "wrong user name or password");
        }
        WebSessions.Created created = sessions.create(user.get().name(), user.get().passwordHash());
        return Response.ok(view(created.session(), user.get()))
                .header(HttpHeaders.SET_COOKIE, cookie(created.id(), http.isSecure(),
                        sessions.maxLifetime().toSeconds()))
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .build();
    }

    @GET
    public Response current(@Context SecurityContext sc, @Context ContainerRequestContext request) {
        UserPrincipal principal = ApiSecurityContext.user(sc);
        User user = services.site().user(principal.name())
                .orElseThrow(() -> ApiException.notFound("user '" + principal.name() + "' not found"));
        Object session = request.getProperty(SessionFilter.SESSION);
        if (!(session instanceof WebSession s)) {
            return Response.ok(new SessionView(new UserView(user.name(), user.admin()), null, null)).build();
        }
        return Response.ok(view(s, user)).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
    }

    @DELETE
    public Response signOut(@Context HttpServletRequest http, @Context ContainerRequestContext request) {
        jakarta.ws.rs.core.Cookie c = request.getCookies().get(SessionFilter.COOKIE);
        if (c != null) {
            sessions.end(c.getValue());
        }
        return Response.noContent().header(HttpHeaders.SET_COOKIE, cookie("", http.isSecure(), 0)).build();
    }

    private SessionView view(WebSession s, User user) {
        return new SessionView(new UserView(user.name(), user.admin()), s.csrfToken(), sessions.expiresAt(s));
    }

    static String cookie(String value, boolean secure, long maxAgeSeconds) {
        return SessionFilter.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax"
                + (secure ? "; Secure" : "");
    }
}
