package dev.flowstage.web.api;

import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.Credentials;
import dev.flowstage.hooks.access.DevicePrincipal;
import dev.flowstage.hooks.access.LoginResult;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.web.api.docs.OpenApiResource;
import dev.flowstage.web.git.GitAuthFilter;
import dev.flowstage.web.api.signing.SigningKeyResource;
import dev.flowstage.web.session.SessionFilter;
import dev.flowstage.web.session.SessionResource;
import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Authenticates every API request (Bearer token or Basic) before matching, so unknown paths do not
 * reveal themselves to anonymous callers, and keeps read-scope tokens to reading methods. Too many
 * failed sign-ins answer 429 {@code too_many_attempts} with {@code Retry-After}.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public final class AuthFilter implements ContainerRequestFilter {
    static final String CHALLENGE = "Basic realm=\"flowstage\"";
    /** Sent by the web UI's scripts; their 401s carry {@link #UI_CHALLENGE} instead of Basic. */
    public static final String UI_HEADER = "X-Flowstage-UI";
    static final String UI_CHALLENGE = "Session realm=\"flowstage\"";
    private static final Set<String> READING = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    // A pipeline's webhook trigger is authorized by the secret in its URL (SPEC §5), not by credentials
    private static final Pattern SECRET_IN_URL = Pattern.compile("/?teams/[^/]+/pipelines/[^/]+/hooks/[^/]+");
    // An upstream push webhook is authorized by its signature over the body (UpstreamResource), not by credentials
    private static final Pattern SIGNED_HOOK = Pattern.compile("/?teams/[^/]+/instances/[^/]+/upstream/hook");
    // A ticket for the event stream only lets its holder read, so a read-scope token may ask for one
    private static final Pattern READING_POST = Pattern.compile("/?teams/[^/]+/events/ticket");

    // A device's token is for its own endpoints only (SPEC §4): every other API is for people
    private static final Pattern DEVICE_PATHS = Pattern.compile("/?devices/self(/.*)?");

    private final Authenticator authenticator;
    // The caller's address, for counting failed sign-ins (a proxy Jersey resolves per request)
    @Context
    private HttpServletRequest servletRequest;

    public AuthFilter(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (HttpMethod.POST.equals(request.getMethod())
                && (SECRET_IN_URL.matcher(request.getUriInfo().getPath()).matches()
                    || SIGNED_HOOK.matcher(request.getUriInfo().getPath()).matches())) {
            return;
        }
        if (HttpMethod.GET.equals(request.getMethod()) && isApiDescription(request.getUriInfo().getPath())) {
            return; // it describes the calls (or is the public signing key) and reveals no data
        }
        if (SessionResource.isSignIn(request)) {
            return; // the sign-in form is how a browser gets credentials (it checks the password itself)
        }
        if (request.getProperty(SessionFilter.PRINCIPAL) instanceof UserPrincipal signedIn) {
            boolean secure = request.getSecurityContext() != null && request.getSecurityContext().isSecure();
            request.setSecurityContext(new ApiSecurityContext(signedIn, secure, "Session"));
            request.setProperty(GitAuthFilter.PRINCIPAL, signedIn);
            return;
        }
        Credentials credentials = Credentials.parse(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (credentials instanceof Credentials.None) {
            request.abortWith(request.getProperty(SessionFilter.ENDED) != null
                    ? unauthorized(request, "your session has ended: sign in again")
                    : unauthorized(request, "authentication required: send an Authorization header with a Bearer token or Basic credentials"));
            return;
        }
        if (credentials instanceof Credentials.Malformed m) {
            request.abortWith(unauthorized(request, "invalid Authorization header: " + m.reason()));
            return;
        }
        LoginResult login = authenticator.login(credentials, servletRequest == null ? null : servletRequest.getRemoteAddr());
        if (login instanceof LoginResult.Throttled throttled) {
            request.abortWith(Response.fromResponse(ApiError.response(429, "too_many_attempts", throttled.message()))
                    .header(HttpHeaders.RETRY_AFTER, throttled.retryAfterSeconds())
                    .build());
            return;
        }
        if (!(login instanceof LoginResult.Success success)) {
            request.abortWith(unauthorized(request, "invalid credentials"));
            return;
        }
        Principal principal = success.principal();
        if (principal instanceof DevicePrincipal && !DEVICE_PATHS.matcher(request.getUriInfo().getPath()).matches()) {
            request.abortWith(ApiError.response(403, "forbidden",
                    "a device token works only on the device API (/api/v1/devices/self...)"));
            return;
        }
        if (principal instanceof UserPrincipal u && !u.scope().allows(TokenScope.WRITE)
                && !READING.contains(request.getMethod()) && !isReadingPost(request)) {
            request.abortWith(ApiError.response(403, "forbidden", "a read-scope token can only read"));
            return;
        }
        boolean secure = request.getSecurityContext() != null && request.getSecurityContext().isSecure();
        String scheme = credentials instanceof Credentials.Bearer ? "Bearer" : SecurityContext.BASIC_AUTH;
        request.setSecurityContext(new ApiSecurityContext(principal, secure, scheme));
        // who it was, for the request log (the same attribute as Git over HTTP)
        request.setProperty(GitAuthFilter.PRINCIPAL, principal);
    }

    private static boolean isReadingPost(ContainerRequestContext request) {
        return HttpMethod.POST.equals(request.getMethod()) && READING_POST.matcher(request.getUriInfo().getPath()).matches();
    }

    private static Response unauthorized(ContainerRequestContext request, String message) {
        // The web UI's calls ask for a challenge a browser does not answer with its own password dialog
        boolean ui = request.getHeaderString(UI_HEADER) != null;
        return Response.fromResponse(ApiError.response(401, "unauthorized", message))
                .header(HttpHeaders.WWW_AUTHENTICATE, ui ? UI_CHALLENGE : CHALLENGE)
                .build();
    }

    /** The API description and the server's public signing key: public documents, no data of anyone's. */
    private static boolean isApiDescription(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return OpenApiResource.PATH.equals(p) || SigningKeyResource.PATH.equals(p);
    }
}
