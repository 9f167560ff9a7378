package dev.flowstage.web.git;

import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.Credentials;
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
import java.util.Optional;

/**
 * Authenticates Git-over-HTTP requests (Basic with a password or token, or Bearer with a token) and
 * stores the principal under {@link #PRINCIPAL}. There is no anonymous access: anything else gets
 * 401 with a Basic challenge. The Authorization header is never logged.
 */
public final class GitAuthFilter implements Filter {
    /** Request attribute holding the authenticated {@link Principal}. */
    public static final String PRINCIPAL = "dev.flowstage.principal";
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
        Optional<Principal> principal = auth.authenticate(Credentials.parse(req.getHeader("Authorization")));
        if (principal.isEmpty()) {
            challenge(rsp);
            return;
        }
        req.setAttribute(PRINCIPAL, principal.get());
        chain.doFilter(request, response);
    }

    private static void challenge(HttpServletResponse rsp) throws IOException {
        rsp.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        rsp.setHeader("WWW-Authenticate", CHALLENGE);
        rsp.setContentType("text/plain; charset=UTF-8");
        rsp.getWriter().write("flowstage: authentication required\n");
    }
}
