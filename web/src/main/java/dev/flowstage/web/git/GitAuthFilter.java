package dev.flowstage.web.git;

import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.Credentials;
import dev.flowstage.hooks.access.LoginResult;
import dev.flowstage.hooks.access.Principal;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * Authenticates Git-over-HTTP requests (Basic with a password or token, or Bearer with a token) and
 * stores the principal under {@link #PRINCIPAL}. There is no anonymous access: anything else gets
 * 401 with a Basic challenge, or 429 with {@code Retry-After} after too many failed sign-ins. The
 * Authorization header is never logged.
 */
public final class GitAuthFilter implements Filter {
    /** Request attribute holding the authenticated {@link Principal}. */
    public static final String PRINCIPAL = "dev.flowstage.principal";
    /**
     * Request attribute holding the {@link LoginResult} of this request's credentials when
     * {@link GitPollHandler} already signed them in, so that a failed sign-in is counted once.
     */
    static final String LOGIN = "dev.flowstage.git.login";
    static final String CHALLENGE = "Basic realm=\"flowstage\"";

    private final Authenticator auth;

    public GitAuthFilter(Authenticator auth) {
        this.auth = Objects.requireNonNull(auth);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse rsp = (HttpServletResponse) response;
        Credentials credentials = Credentials.parse(req.getHeader("Authorization"));
        if (credentials instanceof Credentials.None) {
            challenge(rsp, "authentication required");
            return;
        }
        if (credentials instanceof Credentials.Malformed m) {
            challenge(rsp, "invalid Authorization header: " + m.reason());
            return;
        }
        LoginResult login = req.getAttribute(LOGIN) instanceof LoginResult tried ? tried
                : auth.login(credentials, req.getRemoteAddr());
        if (login instanceof LoginResult.Throttled throttled) {
            // git shows the status line ("The requested URL returned error: 429"); the body is for curl and logs
            rsp.setStatus(429);
            rsp.setHeader("Retry-After", Long.toString(throttled.retryAfterSeconds()));
            rsp.setContentType("text/plain; charset=UTF-8");
            rsp.getWriter().write("flowstage: " + throttled.message() + "\n");
            return;
        }
        if (!(login instanceof LoginResult.Success success)) {
            challenge(rsp, "invalid credentials");
            return;
        }
        req.setAttribute(PRINCIPAL, success.principal());
        chain.doFilter(request, response);
    }

    /**
     * 401 with the same words as the API. git prints a text/plain body of a 401 as
     * {@code remote: ...} before its own "Authentication failed", so a wrong password reads as one.
     */
    private static void challenge(HttpServletResponse rsp, String message) throws IOException {
        rsp.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        rsp.setHeader("WWW-Authenticate", CHALLENGE);
        rsp.setContentType("text/plain; charset=UTF-8");
        rsp.getWriter().write("flowstage: " + message + "\n");
    }
}
