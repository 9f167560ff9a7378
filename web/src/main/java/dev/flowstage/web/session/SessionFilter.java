package dev.flowstage.web.session;

import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.storage.meta.SiteStore;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.meta.User;
import dev.flowstage.web.api.ApiError;
import dev.flowstage.web.api.ApiSecurityContext;
import dev.flowstage.web.events.SameOrigin;
import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * Runs before {@code AuthFilter}: a request without an {@code Authorization} header that carries a
 * live session cookie is signed in as the session's user. Every state-changing request made with the
 * cookie must send the session's CSRF token in {@value #CSRF_HEADER} and, when the browser says where
 * it comes from, an {@code Origin} of this server; otherwise it is refused with 403 before any
 * resource runs. A cookie that no longer names a live session leaves a mark so the 401 can say why.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION - 10)
public final class SessionFilter implements ContainerRequestFilter {
    public static final String COOKIE = "flowstage_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** Request property: the {@link UserPrincipal} the session signs in (read by {@code AuthFilter}). */
    public static final String PRINCIPAL = "dev.flowstage.session.principal";
    /** Request property: the {@link WebSession} itself. */
    public static final String SESSION = "dev.flowstage.session";
    /** Request property: a session cookie was sent but its session has ended. */
    public static final String ENDED = "dev.flowstage.session.ended";
    private static final Set<String> READING = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final WebSessions sessions;
    private final SiteStore site;

    public SessionFilter(WebSessions sessions, SiteStore site) {
        this.sessions = sessions;
        this.site = site;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getHeaderString(HttpHeaders.AUTHORIZATION) != null) {
            return; // explicit credentials win; the cookie plays no part
        }
        Cookie cookie = request.getCookies().get(COOKIE);
        if (cookie == null || SessionResource.isSignIn(request)) {
            return;
        }
        Optional<WebSession> live = sessions.touch(cookie.getValue());
        Optional<User> user = live.flatMap(s -> site.user(s.user()));
        if (live.isEmpty() || user.isEmpty() || !live.get().openedWith(user.get().passwordHash())) {
            sessions.end(cookie.getValue());
            request.setProperty(ENDED, Boolean.TRUE);
            return;
        }
        WebSession session = live.get();
        if (!READING.contains(request.getMethod())) {
            String origin = request.getHeaderString("Origin");
            boolean secure = request.getSecurityContext() != null && request.getSecurityContext().isSecure();
            if (origin != null && !SameOrigin.matches(origin, secure, request.getHeaderString(HttpHeaders.HOST))) {
                request.abortWith(ApiError.response(403, "csrf_failed",
                        "refused: this request came from another site (Origin " + origin + ")"));
                return;
            }
            if (!sameToken(session.csrfToken(), request.getHeaderString(CSRF_HEADER))) {
                request.abortWith(ApiError.response(403, "csrf_failed",
                        "missing or wrong " + CSRF_HEADER + " header: a request signed in with the session cookie "
                                + "must send the session's CSRF token (reload the page)"));
                return;
            }
        }
        request.setProperty(SESSION, session);
        String id = cookie.getValue();
        String name = session.user();
        request.setProperty(ApiSecurityContext.SESSION_LIVE, (java.util.function.BooleanSupplier) () ->
                sessions.alive(id) && site.user(name).filter(u -> session.openedWith(u.passwordHash())).isPresent());
        request.setProperty(PRINCIPAL, new UserPrincipal(session.user(), user.get().admin(), TokenScope.ADMIN));
    }

    private static boolean sameToken(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }
}
