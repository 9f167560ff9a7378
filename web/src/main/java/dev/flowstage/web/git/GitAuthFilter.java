package dev.flowstage.web.git;

import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.Principal;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
        Optional<Principal> principal = authenticate(req.getHeader("Authorization"));
        if (principal.isEmpty()) {
            challenge(rsp);
            return;
        }
        req.setAttribute(PRINCIPAL, principal.get());
        chain.doFilter(request, response);
    }

    private Optional<Principal> authenticate(String header) {
        if (header == null) {
            return Optional.empty();
        }
        if (startsWithIgnoreCase(header, "Basic ")) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            return auth.basic(decoded.substring(0, colon), decoded.substring(colon + 1));
        }
        if (startsWithIgnoreCase(header, "Bearer ")) {
            return auth.bearer(header.substring(7).trim());
        }
        return Optional.empty();
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private static void challenge(HttpServletResponse rsp) throws IOException {
        rsp.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        rsp.setHeader("WWW-Authenticate", CHALLENGE);
        rsp.setContentType("text/plain; charset=UTF-8");
        rsp.getWriter().write("flowstage: authentication required\n");
    }
}
